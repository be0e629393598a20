#include "common/fixed_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <future>
#include <optional>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace gatehouse {
namespace {

TEST(FixedPool, RunsOnAPoolThreadAndReturnsTheResult) {
  FixedPool pool(2);
  EXPECT_EQ(pool.size(), 2u);
  const auto caller = std::this_thread::get_id();
  EXPECT_NE(pool.Run([] { return std::this_thread::get_id(); }), caller);
  EXPECT_EQ(pool.Run([] { return std::string("done"); }), "done");
  int touched = 0;
  pool.Run([&] { touched = 7; });
  EXPECT_EQ(touched, 7);
}

// A bounded pool answers a flood at once: beyond max_waiting queued jobs TryRun refuses (the
// caller answers 503) instead of queueing without bound; Run is never refused.
TEST(FixedPool, TryRunRefusesBeyondTheWaitingBound) {
  FixedPool pool(1, 2);
  std::promise<void> release;
  std::shared_future<void> released = release.get_future().share();
  std::atomic<bool> busy{false};
  std::thread blocker([&] {
    pool.Run([&] {
      busy = true;
      released.wait();
    });
  });
  while (!busy.load()) std::this_thread::yield();
  std::vector<std::thread> waiters;
  std::atomic<int> ran{0};
  for (int i = 0; i < 2; ++i) {
    waiters.emplace_back([&] { EXPECT_TRUE(pool.TryRun([&] { return ++ran; }).has_value()); });
  }
  while (pool.waiting() < 2) std::this_thread::yield();
  EXPECT_FALSE(pool.TryRun([&] { return ++ran; }).has_value());  // full: refused, not run
  release.set_value();
  blocker.join();
  for (auto& w : waiters) w.join();
  EXPECT_EQ(ran.load(), 2);
  EXPECT_EQ(pool.TryRun([] { return 5; }), std::optional<int>(5));  // room again
}

TEST(FixedPool, RethrowsInTheCaller) {
  FixedPool pool(1);
  EXPECT_THROW(pool.Run([]() -> int { throw std::runtime_error("boom"); }), std::runtime_error);
  EXPECT_EQ(pool.Run([] { return 1; }), 1);  // the pool survives
}

TEST(FixedPool, NeverRunsWiderThanItsThreads) {
  FixedPool pool(2);
  std::atomic<int> running{0}, widest{0}, done{0};
  std::vector<std::thread> callers;
  for (int i = 0; i < 16; ++i) {
    callers.emplace_back([&] {
      for (int j = 0; j < 50; ++j) {
        pool.Run([&] {
          const int now = running.fetch_add(1) + 1;
          int seen = widest.load();
          while (now > seen && !widest.compare_exchange_weak(seen, now)) {
          }
          volatile unsigned spin = 0;
          for (int k = 0; k < 2000; ++k) spin = spin + static_cast<unsigned>(k);
          running.fetch_sub(1);
          done.fetch_add(1);
        });
      }
    });
  }
  for (auto& t : callers) t.join();
  EXPECT_EQ(done.load(), 16 * 50);
  EXPECT_LE(widest.load(), 2);
  EXPECT_GE(widest.load(), 1);
}

TEST(FixedPool, ZeroThreadsMeansOne) {
  FixedPool pool(0);
  EXPECT_EQ(pool.size(), 1u);
  EXPECT_EQ(pool.Run([] { return 3; }), 3);
}

}  // namespace
}  // namespace gatehouse
