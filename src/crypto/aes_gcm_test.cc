#include "crypto/aes_gcm.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/test_util.h"

namespace gatehouse::crypto {
namespace {

using testing::FromHex;

// McGrew & Viega, "The Galois/Counter Mode of Operation", Appendix B, 256-bit key cases.
const std::string kSpecKey =
    FromHex("feffe9928665731c6d6a8f9467308308feffe9928665731c6d6a8f9467308308");
const std::string kSpecIv = FromHex("cafebabefacedbaddecaf888");
const std::string kSpecPlaintext = FromHex(
    "d9313225f88406e5a55909c5aff5269a86a7a9531534f7da2e4c303d8a318a72"
    "1c3c0c95956809532fcf0e2449a6b525b16aedf5aa0de657ba637b391aafd255");
const std::string kSpecCiphertext = FromHex(
    "522dc1f099567d07f47f37a32a84427d643a8cdcbfe5c0c97598a2bd2555d1aa"
    "8cb08e48590dbb3da7b08b1056828838c5f61e6393ba7a0abcc9f662898015ad");

TEST(AesGcm, SpecTestCase13EmptyPlaintext) {
  EXPECT_EQ(AesGcmEncryptForTest(std::string(32, '\0'), std::string(12, '\0'), "", "").value(),
            FromHex("530f8afbc74536b9a963b4f1c4cb738b"));
}

TEST(AesGcm, SpecTestCase14) {
  EXPECT_EQ(
      AesGcmEncryptForTest(std::string(32, '\0'), std::string(12, '\0'), std::string(16, '\0'), "")
          .value(),
      FromHex("cea7403d4d606b6e074ec5d3baf39d18d0d1c8a799996bf0265b98b5d48ab919"));
}

TEST(AesGcm, SpecTestCase15) {
  EXPECT_EQ(AesGcmEncryptForTest(kSpecKey, kSpecIv, kSpecPlaintext, "").value(),
            kSpecCiphertext + FromHex("b094dac5d93471bdec1a502270e3cc6c"));
}

TEST(AesGcm, SpecTestCase16WithAad) {
  const std::string aad = FromHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  EXPECT_EQ(AesGcmEncryptForTest(kSpecKey, kSpecIv, kSpecPlaintext.substr(0, 60), aad).value(),
            kSpecCiphertext.substr(0, 60) + FromHex("76fc6ece0f4e1768cddf8853bb2d551b"));
}

TEST(AesGcm, OpenReadsSpecCiphertextInSealedForm) {
  const std::string aad = FromHex("feedfacedeadbeeffeedfacedeadbeefabaddad2");
  const std::string sealed =
      kSpecIv + kSpecCiphertext.substr(0, 60) + FromHex("76fc6ece0f4e1768cddf8853bb2d551b");
  EXPECT_EQ(AesGcmOpen(kSpecKey, sealed, aad).value(), kSpecPlaintext.substr(0, 60));
}

class AesGcmSealed : public ::testing::Test {
 protected:
  SeededRandom random_{7};
  const std::string key_ = random_.Bytes(kAesKeySize);
};

TEST_F(AesGcmSealed, RoundTrips) {
  for (const std::string& plaintext : {std::string(), std::string("k"), random_.Bytes(1000)}) {
    Result<std::string> sealed = AesGcmSeal(key_, plaintext, "key:v1", random_);
    ASSERT_TRUE(sealed);
    EXPECT_EQ(sealed->size(), kGcmNonceSize + plaintext.size() + kGcmTagSize);
    EXPECT_EQ(AesGcmOpen(key_, *sealed, "key:v1").value(), plaintext);
  }
}

TEST_F(AesGcmSealed, FreshNonceEachTime) {
  const std::string a = AesGcmSeal(key_, "same", "", random_).value();
  const std::string b = AesGcmSeal(key_, "same", "", random_).value();
  EXPECT_NE(a.substr(0, kGcmNonceSize), b.substr(0, kGcmNonceSize));
  EXPECT_NE(a, b);
}

TEST_F(AesGcmSealed, RefusesEverySingleBitFlip) {
  const std::string sealed = AesGcmSeal(key_, "private key bytes", "aad", random_).value();
  for (std::size_t bit = 0; bit < sealed.size() * 8; ++bit) {
    std::string tampered = sealed;
    tampered[bit / 8] = static_cast<char>(tampered[bit / 8] ^ (1 << (bit % 8)));
    Result<std::string> opened = AesGcmOpen(key_, tampered, "aad");
    ASSERT_FALSE(opened) << "bit " << bit;
    EXPECT_EQ(opened.error().code(), ErrorCode::kUnauthenticated);
  }
}

TEST_F(AesGcmSealed, RefusesWrongAadOrKey) {
  const std::string sealed = AesGcmSeal(key_, "secret", "aad", random_).value();
  Result<std::string> wrong_aad = AesGcmOpen(key_, sealed, "aae");
  ASSERT_FALSE(wrong_aad);
  EXPECT_EQ(wrong_aad.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_FALSE(AesGcmOpen(key_, sealed, ""));
  std::string other_key = key_;
  other_key[0] = static_cast<char>(other_key[0] ^ 1);
  Result<std::string> wrong_key = AesGcmOpen(other_key, sealed, "aad");
  ASSERT_FALSE(wrong_key);
  EXPECT_EQ(wrong_key.error().code(), ErrorCode::kUnauthenticated);
}

TEST_F(AesGcmSealed, RefusesTruncationAndExtension) {
  const std::string sealed = AesGcmSeal(key_, "secret", "", random_).value();
  EXPECT_EQ(AesGcmOpen(key_, sealed.substr(0, sealed.size() - 1), "").error().code(),
            ErrorCode::kUnauthenticated);
  EXPECT_EQ(AesGcmOpen(key_, sealed + "x", "").error().code(), ErrorCode::kUnauthenticated);
}

TEST_F(AesGcmSealed, BadSizesAreInvalidArgument) {
  const std::string sealed = AesGcmSeal(key_, "secret", "", random_).value();
  EXPECT_EQ(AesGcmOpen(key_.substr(0, 16), sealed, "").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(AesGcmOpen(key_, sealed.substr(0, kGcmNonceSize + kGcmTagSize - 1), "").error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_EQ(AesGcmOpen(key_, "", "").error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(AesGcmSeal(key_ + "x", "p", "", random_).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(AesGcmEncryptForTest(key_, std::string(16, '\0'), "p", "").error().code(),
            ErrorCode::kInvalidArgument);
  // The shortest valid sealed form: an empty plaintext.
  const std::string empty = AesGcmSeal(key_, "", "", random_).value();
  EXPECT_EQ(AesGcmOpen(key_, empty, "").value(), "");
}

}  // namespace
}  // namespace gatehouse::crypto
