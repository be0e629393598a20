#include "common/random.h"

#include <gtest/gtest.h>

#include "common/fake_clock.h"

namespace gatehouse {
namespace {

TEST(SeededRandom, IsDeterministicPerSeed) {
  SeededRandom a(42), b(42), c(43);
  const std::string x = a.Bytes(37), y = b.Bytes(37), z = c.Bytes(37);
  EXPECT_EQ(x, y);
  EXPECT_NE(x, z);
  EXPECT_NE(a.Bytes(37), x);  // the stream moves on
}

TEST(RandomSource, UniformStaysInBound) {
  SeededRandom r(1);
  int seen[7] = {};
  for (int i = 0; i < 7000; ++i) {
    const auto v = r.Uniform(7);
    ASSERT_LT(v, 7u);
    ++seen[v];
  }
  for (int count : seen) EXPECT_GT(count, 800);
}

TEST(FakeClock, MovesOnlyWhenTold) {
  FakeClock clock;
  const auto t0 = clock.Now();
  const auto m0 = clock.MonotonicNow();
  EXPECT_EQ(clock.Now(), t0);
  clock.Advance(std::chrono::seconds(5));
  EXPECT_EQ(clock.Now() - t0, std::chrono::seconds(5));
  EXPECT_EQ(clock.MonotonicNow() - m0, std::chrono::seconds(5));
  clock.Set(FromUnixSeconds(100));
  EXPECT_EQ(ToUnixSeconds(clock.Now()), 100);
}

}  // namespace
}  // namespace gatehouse
