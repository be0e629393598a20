#include "crypto/hash.h"

#include <gtest/gtest.h>

#include <string>

#include "crypto/test_util.h"

namespace gatehouse::crypto {
namespace {

using testing::FromHex;

std::string Hex(const Digest& d) { return ToHex({reinterpret_cast<const char*>(d.data()), 32}); }

TEST(Sha256, NistVectors) {
  EXPECT_EQ(Hex(Sha256("abc")), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(Hex(Sha256("")), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(Hex(Sha256("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
}

TEST(Sha256, BytesMatchesDigest) {
  const Digest d = Sha256("abc");
  EXPECT_EQ(Sha256Bytes("abc"), std::string(d.begin(), d.end()));
  EXPECT_EQ(Sha256Bytes("abc").size(), 32u);
}

// RFC 4231 §4.
TEST(HmacSha256, Rfc4231TestCase1) {
  EXPECT_EQ(Hex(HmacSha256(std::string(20, '\x0b'), "Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7");
}

TEST(HmacSha256, Rfc4231TestCase2) {
  EXPECT_EQ(Hex(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
}

TEST(HmacSha256, Rfc4231TestCase3) {
  EXPECT_EQ(Hex(HmacSha256(std::string(20, '\xaa'), std::string(50, '\xdd'))),
            "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe");
}

TEST(HmacSha256, Rfc4231TestCase4) {
  EXPECT_EQ(Hex(HmacSha256(FromHex("0102030405060708090a0b0c0d0e0f10111213141516171819"),
                           std::string(50, '\xcd'))),
            "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b");
}

TEST(HmacSha256, Rfc4231TestCase5TruncatedPrefix) {
  EXPECT_EQ(Hex(HmacSha256(std::string(20, '\x0c'), "Test With Truncation")).substr(0, 32),
            "a3b6167473100ee06e0c796c2955552b");
}

TEST(HmacSha256, Rfc4231TestCase6) {
  EXPECT_EQ(Hex(HmacSha256(std::string(131, '\xaa'),
                           "Test Using Larger Than Block-Size Key - Hash Key First")),
            "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54");
}

TEST(HmacSha256, Rfc4231TestCase7) {
  EXPECT_EQ(Hex(HmacSha256(std::string(131, '\xaa'),
                           "This is a test using a larger than block-size key and a larger than "
                           "block-size data. The key needs to be hashed before being used by the "
                           "HMAC algorithm.")),
            "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2");
}

TEST(HmacSha256, EmptyKeyAndMessage) {
  // `openssl mac -digest SHA256 -macopt hexkey: HMAC < /dev/null`
  EXPECT_EQ(Hex(HmacSha256("", "")),
            "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad");
}

TEST(ToHex, LowercasePairs) {
  EXPECT_EQ(ToHex(""), "");
  EXPECT_EQ(ToHex(std::string("\x00\x0f\xf0\xff", 4)), "000ff0ff");
}

TEST(ConstantTimeEquals, ComparesContentsAndLength) {
  EXPECT_TRUE(ConstantTimeEquals("", ""));
  EXPECT_TRUE(ConstantTimeEquals("secret", "secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secreT"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "Secret"));
  EXPECT_FALSE(ConstantTimeEquals("secret", "secret1"));
  EXPECT_FALSE(ConstantTimeEquals("", "a"));
  EXPECT_TRUE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0b", 3)));
  EXPECT_FALSE(ConstantTimeEquals(std::string("a\0b", 3), std::string("a\0c", 3)));
}

}  // namespace
}  // namespace gatehouse::crypto

namespace gatehouse::crypto {
namespace {

TEST(Hex, RoundTripsAndRefusesWhatIsNotHex) {
  const std::string bytes("\x00\x01\xab\xff", 4);
  EXPECT_EQ(crypto::FromHex(ToHex(bytes)), bytes);
  EXPECT_EQ(crypto::FromHex("ABff"), std::string("\xab\xff", 2));
  EXPECT_EQ(crypto::FromHex(""), std::string());
  EXPECT_EQ(crypto::FromHex("abc"), std::nullopt);  // odd length
  EXPECT_EQ(crypto::FromHex("zz"), std::nullopt);   // not a digit
  EXPECT_EQ(crypto::FromHex("0g"), std::nullopt);
}

}  // namespace
}  // namespace gatehouse::crypto
