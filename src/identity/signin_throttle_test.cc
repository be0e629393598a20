#include "identity/signin_throttle.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "common/fake_clock.h"
#include "store/memory/memory_store.h"

namespace gatehouse::identity {
namespace {

using std::chrono::minutes;
using std::chrono::seconds;

TEST(SigninThrottle, LimitsFailuresInTheWindow) {
  FakeClock clock;
  SigninThrottle throttle(3, minutes(15), clock);
  for (int i = 0; i < 3; ++i) {
    auto slot = throttle.Acquire({"email:a"});
    ASSERT_TRUE(slot);
    throttle.Finish(*slot, false);
  }
  auto refused = throttle.Acquire({"email:a"});
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kResourceExhausted);
  EXPECT_EQ(refused.error().fields()[0].first, "retry_after");
  EXPECT_EQ(refused.error().fields()[0].second, "900");
  EXPECT_TRUE(throttle.Acquire({"email:b"}));  // other keys are untouched
  clock.Advance(minutes(15) + seconds(1));
  EXPECT_TRUE(throttle.Acquire({"email:a"}));
}

TEST(SigninThrottle, SuccessClearsTheAccountButNotTheIp) {
  FakeClock clock;
  SigninThrottle throttle(2, minutes(15), clock);
  auto s1 = throttle.Acquire({"email:a", "ip:1"}).value();
  throttle.Finish(s1, false);
  auto s2 = throttle.Acquire({"email:a", "ip:1"}).value();
  throttle.Finish(s2, true, "email:a");
  auto s3 = throttle.Acquire({"email:b", "ip:1"}).value();
  throttle.Finish(s3, false);
  EXPECT_FALSE(throttle.Acquire({"email:c", "ip:1"}));  // the IP has two failures
  EXPECT_TRUE(throttle.Acquire({"email:a"}));           // the account was cleared
}

// A slot that is never finished (an early return, an error of ours) is released by its
// destructor as neither a failure nor a success: no path can leak it and lock the key for good.
TEST(SigninThrottle, AnUnfinishedSlotIsReleasedByItsDestructor) {
  FakeClock clock;
  SigninThrottle throttle(1, minutes(15), clock);
  {
    auto held = throttle.Acquire({"ip:1"}).value();
    EXPECT_FALSE(throttle.Acquire({"ip:1"}));  // in flight counts
  }
  auto again = throttle.Acquire({"ip:1"});
  ASSERT_TRUE(again);  // released, and not counted as a failure
  throttle.Finish(*again, false);
  EXPECT_FALSE(throttle.Acquire({"ip:1"}));  // a real failure counts
}

TEST(SigninThrottle, ParallelAttemptsNeverExceedTheLimit) {
  FakeClock clock;
  SigninThrottle throttle(10, minutes(15), clock);
  std::atomic<int> admitted{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 50; ++t) {
    threads.emplace_back([&] {
      auto slot = throttle.Acquire({"email:victim"});
      if (!slot) return;
      ++admitted;
      throttle.Finish(*slot, false);
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_LE(admitted.load(), 10);
  EXPECT_FALSE(throttle.Acquire({"email:victim"}));
}

// Throttles of several instances on one store share the limit: failures spread over them
// count together, attempts in flight on one hold a place on the others, and a success on one
// clears the account on all. An instance that dies mid-attempt frees its place in time.
TEST(SigninThrottle, InTheStoreTheLimitHoldsAcrossInstances) {
  FakeClock clock;
  store::MemoryStore store;
  SigninThrottle a(store, 3, minutes(15), clock);
  SigninThrottle b(store, 3, minutes(15), clock);
  SigninThrottle c(store, 3, minutes(15), clock);
  for (SigninThrottle* t : {&a, &b}) {
    auto slot = t->Acquire({"email:x", "ip:1"});
    ASSERT_TRUE(slot);
    t->Finish(*slot, false);
  }
  auto in_flight = c.Acquire({"email:x", "ip:2"});
  ASSERT_TRUE(in_flight);
  auto refused = a.Acquire({"email:x", "ip:3"});  // 2 failures + 1 in flight on C
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kResourceExhausted);
  c.Finish(*in_flight, true, "email:x");  // the right password, on C
  EXPECT_TRUE(b.Acquire({"email:x", "ip:4"}));
  auto lost = a.Acquire({"email:y"}).value();  // never finished: its instance "dies"
  for (int i = 0; i < 2; ++i) {
    auto slot = b.Acquire({"email:y"});
    ASSERT_TRUE(slot);
    b.Finish(*slot, false);
  }
  EXPECT_FALSE(c.Acquire({"email:y"}));
  clock.Advance(SigninThrottle::kStaleInFlight + seconds(1));
  EXPECT_TRUE(c.Acquire({"email:y"}));  // 2 failures, the lost attempt forgotten
  clock.Advance(minutes(16));
  ASSERT_TRUE(a.Prune());
  EXPECT_TRUE(store.Snapshot().throttles.empty());  // every record older than the window
}

}  // namespace
}  // namespace gatehouse::identity
