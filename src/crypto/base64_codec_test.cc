#include "crypto/base64_codec.h"

#include <gtest/gtest.h>

namespace gatehouse::crypto {
namespace {

TEST(Base64Codec, StandardAlphabetRfc4648Vectors) {
  const auto encode = [](std::string_view s) {
    return Base64EncodeUnpadded(s, kBase64StandardAlphabet);
  };
  EXPECT_EQ(encode(""), "");
  EXPECT_EQ(encode("f"), "Zg");
  EXPECT_EQ(encode("foobar"), "Zm9vYmFy");
  EXPECT_EQ(encode("\xfb\xff\xbf"), "+/+/");
  EXPECT_EQ(Base64DecodeUnpadded("+/+/", kBase64StandardAlphabet).value(), "\xfb\xff\xbf");
  EXPECT_EQ(Base64DecodeUnpadded("Zm9vYmE", kBase64StandardAlphabet).value(), "fooba");
}

TEST(Base64Codec, StandardAlphabetIsStrict) {
  const auto decodes = [](std::string_view s) {
    return Base64DecodeUnpadded(s, kBase64StandardAlphabet).has_value();
  };
  EXPECT_FALSE(decodes("-_-_"));  // url alphabet
  EXPECT_FALSE(decodes("Zg=="));
  EXPECT_FALSE(decodes("Zh"));
  EXPECT_FALSE(decodes("Z"));
  EXPECT_FALSE(decodes("Zm9v "));
}

}  // namespace
}  // namespace gatehouse::crypto
