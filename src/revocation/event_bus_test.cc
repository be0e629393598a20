#include "revocation/event_bus.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "common/fake_clock.h"

namespace gatehouse::revocation {
namespace {

Event Numbered(std::int64_t seq, const std::string& user = "u") {
  Event e = SessionRevoked("h" + std::to_string(seq), user, FakeClock().Now());
  e.seq = seq;
  return e;
}

TEST(EventBus, DeliversInOrderAndWakes) {
  auto bus = EventBus::Create();
  auto sub = bus->Subscribe();
  std::atomic<int> wakes{0};
  sub->SetWaker([&] { ++wakes; });
  bus->Publish({Numbered(1), Numbered(2)});
  bus->Publish({Numbered(3)});
  auto got = sub->Take();
  ASSERT_EQ(got.size(), 3u);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].seq, std::int64_t(i + 1));
  EXPECT_EQ(wakes.load(), 2);
  EXPECT_TRUE(sub->Take().empty());
}

TEST(EventBus, FiltersByUserAndLeavesOnDestruction) {
  auto bus = EventBus::Create();
  auto mine = bus->Subscribe("alice");
  {
    auto other = bus->Subscribe();
    EXPECT_EQ(bus->subscribers(), 2u);
  }
  EXPECT_EQ(bus->subscribers(), 1u);
  bus->Publish({Numbered(1, "bob"), Numbered(2, "alice")});
  auto got = mine->Take();
  ASSERT_EQ(got.size(), 1u);
  EXPECT_EQ(got[0].seq, 2);
}

TEST(EventBus, ASlowSubscriberIsDroppedNotWaitedFor) {
  auto bus = EventBus::Create();
  auto slow = bus->Subscribe("", /*max_queue=*/3);
  auto fast = bus->Subscribe();
  for (int i = 1; i <= 10; ++i) bus->Publish({Numbered(i)});
  EXPECT_TRUE(slow->Overflowed());
  EXPECT_TRUE(slow->Take().empty());
  EXPECT_EQ(fast->Take().size(), 10u);
}

TEST(EventBus, ConcurrentPublishersAndSubscribers) {
  auto bus = EventBus::Create();
  std::atomic<bool> stop{false};
  std::thread churn([&] {
    while (!stop) {
      auto s = bus->Subscribe();
      s->SetWaker([] {});
      (void)s->Take();
    }
  });
  auto steady = bus->Subscribe();
  for (int i = 1; i <= 2000; ++i) bus->Publish({Numbered(i)});
  stop = true;
  churn.join();
  EXPECT_EQ(steady->Take().size(), 2000u);
}

}  // namespace
}  // namespace gatehouse::revocation
