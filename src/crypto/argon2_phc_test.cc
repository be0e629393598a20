#include "crypto/argon2_phc.h"

#include <gtest/gtest.h>

#include <string>

namespace gatehouse::crypto {
namespace {

// Made by the reference `argon2` tool (see argon2_test.cc).
constexpr std::string_view kPhc =
    "$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHQwMTIzNDU2Nw$"
    "03QH96n0W1Y1iZKMHIGDP8Wzb6MLTzWm/yn2sYXDPNY";

TEST(Argon2idPhc, ParsesAndFormatsBack) {
  Result<Argon2idPhc> phc = ParseArgon2idPhc(kPhc);
  ASSERT_TRUE(phc);
  EXPECT_EQ(phc->memory_kib, 1024u);
  EXPECT_EQ(phc->iterations, 2u);
  EXPECT_EQ(phc->salt, "somesalt01234567");
  EXPECT_EQ(phc->hash.size(), kArgon2HashSize);
  EXPECT_EQ(FormatArgon2idPhc(*phc), kPhc);
}

// `kPhc` with the text between `from` and the next '$' (or the end) replaced by `to`.
std::string With(std::string_view from, std::string_view to) {
  std::string s(kPhc);
  const std::size_t at = s.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  s.replace(at, from.size(), to);
  return s;
}

TEST(Argon2idPhc, RefusesMalformedStrings) {
  const std::string bad[] = {
      "",
      "$argon2id$",
      std::string(kPhc.substr(1)),                   // no leading '$'
      std::string(kPhc) + "$",                       // extra field
      std::string(kPhc) + "=",                       // padding
      std::string(kPhc.substr(0, kPhc.size() - 1)),  // hash one char short
      With("$argon2id$", "$argon2i$"),               // other variants
      With("$argon2id$", "$argon2d$"),
      With("$argon2id$", "$ARGON2ID$"),
      With("v=19", "v=16"),  // other versions
      With("v=19$", ""),     // version omitted
      With("p=1", "p=2"),    // parallelism
      With("p=1", "p=01"),
      With("m=1024", "m=01024"),  // leading zero
      With("m=1024", "m=+1024"),
      With("m=1024", "m=-1024"),
      With("m=1024", "m="),
      With("m=1024", "m=1024 "),
      With("m=1024", "m=99999999999"),  // overflows uint32
      With("m=1024", "m=4194305"),      // > 4 GiB
      With("m=1024", "m=7"),            // < libsodium's minimum
      With("t=2", "t=0"),
      With("t=2", "t=101"),
      With("m=1024,t=2", "t=2,m=1024"),  // order
      With("m=1024,t=2,p=1", "m=1024,t=2,p=1,keyid=abc"),
      With("c29tZXNhbHQwMTIzNDU2Nw", "c29tZXNhbHQwMTIzNDU2"),      // 15-byte salt
      With("c29tZXNhbHQwMTIzNDU2Nw", "c29tZXNhbHQwMTIzNDU2Nzg"),   // 17-byte salt
      With("c29tZXNhbHQwMTIzNDU2Nw", "c29tZXNhbHQwMTIzNDU2Nw=="),  // padded salt
      With("c29tZXNhbHQwMTIzNDU2Nw", "c29tZXNhbHQwMTIzNDU2Nx"),    // non-canonical bits
      With("c29tZXNhbHQwMTIzNDU2Nw", "c29tZXNhbHQwMTIzNDU2N_"),    // url alphabet
      With("03QH96n0W1Y1iZKMHIGDP8Wzb6MLTzWm/yn2sYXDPNY", "03QH96n0W1Y1iZKMHIGDP8Wzb6MLTzWm"),
  };
  for (const std::string& s : bad) EXPECT_FALSE(ParseArgon2idPhc(s)) << s;
}

TEST(Argon2idPhc, ParamBounds) {
  EXPECT_TRUE(CheckArgon2Params(8, 1).ok());
  EXPECT_TRUE(CheckArgon2Params(4u * 1024 * 1024, 100).ok());
  EXPECT_FALSE(CheckArgon2Params(7, 1).ok());
  EXPECT_FALSE(CheckArgon2Params(4u * 1024 * 1024 + 1, 1).ok());
  EXPECT_FALSE(CheckArgon2Params(1024, 0).ok());
  EXPECT_FALSE(CheckArgon2Params(1024, 101).ok());
}

}  // namespace
}  // namespace gatehouse::crypto
