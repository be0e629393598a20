#include "runtime/periodic_task.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>

namespace gatehouse {
namespace {

TEST(PeriodicTask, RunsWhenPokedAndStopsOnDestruction) {
  std::atomic<int> runs{0};
  std::promise<void> first;
  {
    PeriodicTask task("test", std::chrono::hours(1), [&] {
      if (runs.fetch_add(1) == 0) first.set_value();
    });
    task.Poke();
    ASSERT_EQ(first.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
  }  // destructor returns promptly although the interval is an hour
  EXPECT_EQ(runs.load(), 1);
}

TEST(PeriodicTask, RunsOnItsInterval) {
  std::atomic<int> runs{0};
  std::promise<void> third;
  PeriodicTask task("tick", std::chrono::milliseconds(5), [&] {
    if (runs.fetch_add(1) == 2) third.set_value();
  });
  EXPECT_EQ(third.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

TEST(PeriodicTask, SurvivesAThrowingFunction) {
  std::atomic<int> runs{0};
  std::promise<void> second;
  PeriodicTask task("throws", std::chrono::milliseconds(5), [&] {
    if (runs.fetch_add(1) == 1) second.set_value();
    if (runs.load() == 1) throw std::runtime_error("boom");
  });
  EXPECT_EQ(second.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
}

}  // namespace
}  // namespace gatehouse
