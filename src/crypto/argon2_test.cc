#include "crypto/argon2.h"

#include <gtest/gtest.h>

#include <string>

namespace gatehouse::crypto {
namespace {

// Known answer from the reference implementation (Debian package `argon2`, independent of
// libsodium), produced with:
//   echo -n "password" | argon2 somesalt01234567 -id -t 2 -m 10 -p 1 -l 32 -e
// (-m 10 means 2^10 KiB = 1024 KiB).
constexpr std::string_view kReferencePhc =
    "$argon2id$v=19$m=1024,t=2,p=1$c29tZXNhbHQwMTIzNDU2Nw$"
    "03QH96n0W1Y1iZKMHIGDP8Wzb6MLTzWm/yn2sYXDPNY";

// Small parameters keep the tests fast under sanitizers.
constexpr Argon2Params kFast{.memory_kib = 1024, .iterations = 2};

TEST(Argon2id, MatchesReferenceImplementation) {
  EXPECT_EQ(Argon2idHashWithSalt("password", "somesalt01234567", kFast).value(), kReferencePhc);
}

TEST(Argon2id, VerifiesReferenceString) {
  EXPECT_TRUE(Argon2idVerify(kReferencePhc, "password"));
  EXPECT_FALSE(Argon2idVerify(kReferencePhc, "Password"));
  EXPECT_FALSE(Argon2idVerify(kReferencePhc, "password "));
  EXPECT_FALSE(Argon2idVerify(kReferencePhc, ""));
}

TEST(Argon2id, HashThenVerify) {
  SeededRandom random(1);
  const std::string phc = Argon2idHash("correct horse", kFast, random).value();
  EXPECT_TRUE(phc.starts_with("$argon2id$v=19$m=1024,t=2,p=1$")) << phc;
  EXPECT_TRUE(Argon2idVerify(phc, "correct horse"));
  EXPECT_FALSE(Argon2idVerify(phc, "correct horsf"));
  // A fresh salt each time.
  EXPECT_NE(Argon2idHash("correct horse", kFast, random).value(), phc);
}

TEST(Argon2id, EmptyAndBinaryPasswords) {
  SeededRandom random(2);
  const std::string empty = Argon2idHash("", kFast, random).value();
  EXPECT_TRUE(Argon2idVerify(empty, ""));
  EXPECT_FALSE(Argon2idVerify(empty, std::string(1, '\0')));
  const std::string binary(std::string("a\0b", 3));
  const std::string phc = Argon2idHash(binary, kFast, random).value();
  EXPECT_TRUE(Argon2idVerify(phc, binary));
  EXPECT_FALSE(Argon2idVerify(phc, "a"));
}

TEST(Argon2id, VerifyRefusesMalformedOrAlteredStrings) {
  EXPECT_FALSE(Argon2idVerify("", "password"));
  EXPECT_FALSE(Argon2idVerify("password", "password"));
  std::string other_params(kReferencePhc);
  other_params.replace(other_params.find("t=2"), 3, "t=3");
  EXPECT_FALSE(Argon2idVerify(other_params, "password"));
  std::string argon2i(kReferencePhc);
  argon2i.erase(8, 1);  // "$argon2i$..."
  EXPECT_FALSE(Argon2idVerify(argon2i, "password"));
  std::string altered_hash(kReferencePhc);
  altered_hash.back() = 'M';
  EXPECT_FALSE(Argon2idVerify(altered_hash, "password"));
}

TEST(Argon2id, RefusesBadParamsAndSalt) {
  EXPECT_EQ(Argon2idHashWithSalt("p", "short", kFast).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_FALSE(Argon2idHashWithSalt("p", "somesalt01234567", {.memory_kib = 4, .iterations = 2}));
  EXPECT_FALSE(Argon2idHashWithSalt("p", "somesalt01234567", {.memory_kib = 64, .iterations = 0}));
  EXPECT_FALSE(
      Argon2idHashWithSalt("p", "somesalt01234567", {.memory_kib = 64, .iterations = 1000}));
}

TEST(Argon2id, MinimumParamsWork) {
  const std::string phc =
      Argon2idHashWithSalt("p", "somesalt01234567", {.memory_kib = 8, .iterations = 1}).value();
  EXPECT_TRUE(Argon2idVerify(phc, "p"));
}

TEST(Argon2id, NeedsRehashDetectsOtherParams) {
  EXPECT_FALSE(Argon2idNeedsRehash(kReferencePhc, kFast));
  EXPECT_TRUE(Argon2idNeedsRehash(kReferencePhc, {.memory_kib = 2048, .iterations = 2}));
  EXPECT_TRUE(Argon2idNeedsRehash(kReferencePhc, {.memory_kib = 1024, .iterations = 3}));
  EXPECT_TRUE(Argon2idNeedsRehash(kReferencePhc, Argon2Params{}));
  EXPECT_TRUE(Argon2idNeedsRehash("not a phc string", kFast));
}

}  // namespace
}  // namespace gatehouse::crypto
