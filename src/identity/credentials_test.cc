#include "identity/credentials.h"

#include <gtest/gtest.h>

#include <vector>

namespace gatehouse::identity {
namespace {

TEST(NormaliseEmail, TrimsAndLowercases) {
  EXPECT_EQ(*NormaliseEmail("  Alice@Example.COM "), "alice@example.com");
  EXPECT_EQ(*NormaliseEmail("a@b.c"), "a@b.c");
}

TEST(NormaliseEmail, RefusesInvalidAddresses) {
  for (const std::string& bad : std::vector<std::string>{
           "", "a", "@b.c", "a@", "a@b", "a@.c", "a@b.", "a b@c.d", "a@@b.c", "a@b@c.d",
           std::string(65, 'x') + "@b.c", "x@" + std::string(260, 'd') + ".c", "\xff@b.c",
           std::string("a\0b@c.d", 7), "a\x01@b.c"}) {
    EXPECT_FALSE(NormaliseEmail(bad)) << bad;
  }
}

TEST(PasswordPolicy, LengthUtf8AndCommonList) {
  EXPECT_TRUE(CheckPasswordPolicy("correct horse battery").ok());
  EXPECT_TRUE(CheckPasswordPolicy(std::string(256, 'x')).ok());
  EXPECT_FALSE(CheckPasswordPolicy("short7!").ok());
  EXPECT_FALSE(CheckPasswordPolicy(std::string(257, 'q')).ok());
  EXPECT_FALSE(CheckPasswordPolicy("valid\xff\xfeutf8?").ok());
  EXPECT_TRUE(CheckPasswordPolicy("pässwörd-ünïcode").ok());
  for (const char* common : {"password", "PASSWORD", "12345678", "iloveyou", "Password1"}) {
    EXPECT_TRUE(IsCommonPassword(common)) << common;
    EXPECT_FALSE(CheckPasswordPolicy(common).ok()) << common;
  }
  EXPECT_FALSE(IsCommonPassword("kj3h4-unusual-phrase"));
}

TEST(Utf8, RejectsOverlongSurrogatesAndTruncation) {
  EXPECT_TRUE(IsValidUtf8("plain ascii"));
  EXPECT_TRUE(IsValidUtf8("\xe2\x82\xac \xf0\x9f\x98\x80"));  // € 😀
  EXPECT_FALSE(IsValidUtf8("\xc0\xaf"));                      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));                  // surrogate
  EXPECT_FALSE(IsValidUtf8("\xe2\x82"));                      // truncated
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));              // > U+10FFFF
}

}  // namespace
}  // namespace gatehouse::identity
