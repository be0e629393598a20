#include "crypto/csprng_random.h"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace gatehouse::crypto {
namespace {

TEST(CsprngRandom, FillsDistinctBytes) {
  CsprngRandom random;
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(random.Bytes(16));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(CsprngRandom, FillsEveryByteOfLargeAndEmptyBuffers) {
  CsprngRandom random;
  EXPECT_EQ(random.Bytes(0), "");
  // A zero byte has probability 1/256; 4096 bytes all from a stuck generator would be all zero.
  const std::string big = random.Bytes(4096);
  EXPECT_NE(big, std::string(4096, '\0'));
  EXPECT_NE(big.substr(4000), std::string(96, '\0'));
}

TEST(CsprngRandom, UniformStaysInBounds) {
  CsprngRandom random;
  for (int i = 0; i < 1000; ++i) EXPECT_LT(random.Uniform(7), 7u);
}

}  // namespace
}  // namespace gatehouse::crypto
