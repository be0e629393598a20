#include "crypto/base64url.h"

#include <gtest/gtest.h>

#include <string>

#include "common/random.h"

namespace gatehouse::crypto {
namespace {

TEST(Base64Url, Rfc4648Vectors) {
  // RFC 4648 §10, padding removed (the url alphabet agrees with the standard one on these).
  const std::pair<std::string, std::string> vectors[] = {
      {"", ""},           {"f", "Zg"},          {"fo", "Zm8"},         {"foo", "Zm9v"},
      {"foob", "Zm9vYg"}, {"fooba", "Zm9vYmE"}, {"foobar", "Zm9vYmFy"}};
  for (const auto& [bytes, text] : vectors) {
    EXPECT_EQ(Base64UrlEncode(bytes), text);
    Result<std::string> decoded = Base64UrlDecode(text);
    ASSERT_TRUE(decoded) << text;
    EXPECT_EQ(*decoded, bytes);
  }
}

TEST(Base64Url, UsesUrlAlphabet) {
  EXPECT_EQ(Base64UrlEncode("\xfb\xff\xbf"), "-_-_");
  EXPECT_EQ(Base64UrlEncode("\xfb\xff"), "-_8");
  EXPECT_EQ(Base64UrlDecode("-_-_").value(), "\xfb\xff\xbf");
  EXPECT_EQ(Base64UrlDecode("-_8").value(), "\xfb\xff");
}

TEST(Base64Url, RefusesPadding) {
  EXPECT_FALSE(Base64UrlDecode("Zg=="));
  EXPECT_FALSE(Base64UrlDecode("Zm8="));
  EXPECT_FALSE(Base64UrlDecode("Zg="));
  EXPECT_FALSE(Base64UrlDecode("===="));
}

TEST(Base64Url, RefusesWhitespace) {
  EXPECT_FALSE(Base64UrlDecode("Zm9v\n"));
  EXPECT_FALSE(Base64UrlDecode(" Zm9v"));
  EXPECT_FALSE(Base64UrlDecode("Zm 9v"));
  EXPECT_FALSE(Base64UrlDecode("Zm9v\r\nYmFy"));
  EXPECT_FALSE(Base64UrlDecode("Zm9\tv"));
}

TEST(Base64Url, RefusesCharactersOutsideAlphabet) {
  EXPECT_FALSE(Base64UrlDecode("Zm+v"));  // standard alphabet
  EXPECT_FALSE(Base64UrlDecode("Zm9/"));
  EXPECT_FALSE(Base64UrlDecode("Zm9."));
  EXPECT_FALSE(Base64UrlDecode(std::string("Zm\0v", 4)));
  EXPECT_FALSE(Base64UrlDecode("Zm\x80v"));
  EXPECT_FALSE(Base64UrlDecode("Zm\xffv"));
  EXPECT_FALSE(Base64UrlDecode("Z+"));  // in the partial last group
  EXPECT_FALSE(Base64UrlDecode("Zm/"));
}

TEST(Base64Url, RefusesImpossibleLength) {
  EXPECT_FALSE(Base64UrlDecode("Z"));
  EXPECT_FALSE(Base64UrlDecode("Zm9vY"));
  EXPECT_FALSE(Base64UrlDecode("Zm9vYmFyZ"));
}

TEST(Base64Url, RefusesNonCanonicalTrailingBits) {
  // "f" is "Zg"; "Zh".."Zv" carry the same byte with non-zero unused bits.
  EXPECT_FALSE(Base64UrlDecode("Zh"));
  EXPECT_FALSE(Base64UrlDecode("Zv"));
  EXPECT_FALSE(Base64UrlDecode("Z_"));
  // "fo" is "Zm8"; "Zm9" has a low bit set past the second byte.
  EXPECT_FALSE(Base64UrlDecode("Zm9"));
  EXPECT_FALSE(Base64UrlDecode("Zm-"));
  EXPECT_TRUE(Base64UrlDecode("Zm8"));
  EXPECT_TRUE(Base64UrlDecode("Zg"));
}

TEST(Base64Url, RoundTripsRandomBytes) {
  SeededRandom random(42);
  for (std::size_t size = 0; size <= 100; ++size) {
    const std::string bytes = random.Bytes(size);
    const std::string text = Base64UrlEncode(bytes);
    EXPECT_EQ(text.size(), (size * 4 + 2) / 3);
    EXPECT_EQ(text.find_first_of("+/="), std::string::npos);
    Result<std::string> decoded = Base64UrlDecode(text);
    ASSERT_TRUE(decoded) << size;
    EXPECT_EQ(*decoded, bytes);
  }
}

TEST(Base64Url, EveryAcceptedTextIsTheEncodingOfItsBytes) {
  // Uniqueness: decoding then encoding gives the same text back, for every 2- and 3-character
  // text over the alphabet's edges.
  const std::string edge = "AZaz09-_BQhw";
  for (char a : edge) {
    for (char b : edge) {
      for (char c : edge) {
        for (const std::string& text : {std::string{a, b}, std::string{a, b, c}}) {
          Result<std::string> decoded = Base64UrlDecode(text);
          if (decoded) {
            EXPECT_EQ(Base64UrlEncode(*decoded), text);
          }
        }
      }
    }
  }
}

}  // namespace
}  // namespace gatehouse::crypto
