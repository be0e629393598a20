#include "compat/unknown_calls.h"

#include <gtest/gtest.h>

#include "common/fake_clock.h"

namespace gatehouse::compat {
namespace {

http::Request Get(std::string path) {
  http::Request r;
  r.method = http::Method::kGet;
  r.path = std::move(path);
  return r;
}

TEST(UnknownCalls, OnlyCdiPathsAreNoted) {
  EXPECT_TRUE(UnknownCalls::IsCdiPath("/recipe/accountlinking/user/primary"));
  EXPECT_TRUE(UnknownCalls::IsCdiPath("/public/recipe/signinup"));
  EXPECT_TRUE(UnknownCalls::IsCdiPath("/appid-x/anything"));
  EXPECT_TRUE(UnknownCalls::IsCdiPath("/ee/license"));
  EXPECT_FALSE(UnknownCalls::IsCdiPath("/v1/nothing"));
  EXPECT_FALSE(UnknownCalls::IsCdiPath("/favicon.ico"));
  EXPECT_FALSE(UnknownCalls::IsCdiPath("/userinfo"));
}

TEST(UnknownCalls, OneLineASecondCountingTheRestAndNoForgedLines) {
  FakeClock clock(FromUnixMillis(1'700'000'000'000));
  UnknownCalls calls(clock);
  EXPECT_EQ(calls.Note(Get("/v1/x")), "");
  const std::string first = calls.Note(Get("/recipe/a\nforged line\x01"));
  EXPECT_EQ(first,
            "SuperTokens face: no route for GET /recipe/a?forged line? (a call this face does not "
            "serve)");
  for (int i = 0; i < 50; ++i) EXPECT_EQ(calls.Note(Get("/recipe/b")), "");
  clock.Advance(std::chrono::milliseconds(999));
  EXPECT_EQ(calls.Note(Get("/recipe/b")), "");
  clock.Advance(std::chrono::milliseconds(1));
  const std::string next = calls.Note(Get("/recipe/" + std::string(500, 'c')));
  EXPECT_NE(next.find("; 51 more since the last line"), std::string::npos) << next;
  EXPECT_LT(next.size(), 300u);  // the path cut to 200 bytes
}

}  // namespace
}  // namespace gatehouse::compat
