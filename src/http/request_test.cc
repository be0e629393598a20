#include "http/request.h"

#include <gtest/gtest.h>

namespace gatehouse::http {
namespace {

TEST(MethodTest, NamesRoundTrip) {
  for (Method m : {Method::kGet, Method::kHead, Method::kPost, Method::kPut, Method::kPatch,
                   Method::kDelete, Method::kOptions}) {
    EXPECT_EQ(ParseMethod(MethodName(m)), m) << MethodName(m);
  }
  EXPECT_EQ(ParseMethod("get"), Method::kOther);  // methods are case-sensitive
  EXPECT_EQ(ParseMethod("BREW"), Method::kOther);
}

TEST(ParseTargetTest, SplitsPathAndQuery) {
  std::string path;
  std::map<std::string, std::string> query;
  ASSERT_TRUE(ParseTarget("/v1/users?email=a%40b.c&limit=10", path, query));
  EXPECT_EQ(path, "/v1/users");
  EXPECT_EQ(query, (std::map<std::string, std::string>{{"email", "a@b.c"}, {"limit", "10"}}));
}

TEST(ParseTargetTest, DecodesPathButKeepsPlus) {
  std::string path;
  std::map<std::string, std::string> query;
  ASSERT_TRUE(ParseTarget("/a%20b+c", path, query));
  EXPECT_EQ(path, "/a b+c");
  EXPECT_TRUE(query.empty());
}

TEST(ParseTargetTest, PlusIsSpaceInQuery) {
  std::string path;
  std::map<std::string, std::string> query;
  ASSERT_TRUE(ParseTarget("/?q=a+b%2Bc&k%3D=v", path, query));
  EXPECT_EQ(path, "/");
  EXPECT_EQ(query["q"], "a b+c");
  EXPECT_EQ(query["k="], "v");
}

TEST(ParseTargetTest, LastValueWinsAndBareNamesAreEmpty) {
  std::string path;
  std::map<std::string, std::string> query;
  ASSERT_TRUE(ParseTarget("/x?a=1&&a=2&flag&=z", path, query));
  EXPECT_EQ(query["a"], "2");
  EXPECT_EQ(query["flag"], "");
  EXPECT_EQ(query[""], "z");
}

TEST(ParseTargetTest, RejectsMalformedTargets) {
  std::string path;
  std::map<std::string, std::string> query;
  for (const char* bad : {"", "v1/users", "*", "http://example.com/", "/a%", "/a%2", "/a%zz",
                          "/a%00b", "/?q=%", "/?q=%g1", "/?q=%00", "/?%0=1"}) {
    EXPECT_FALSE(ParseTarget(bad, path, query)) << bad;
  }
  EXPECT_FALSE(ParseTarget(std::string_view("/a\0b", 4), path, query));
}

TEST(DecodePathSegmentTest, DecodesOneSegment) {
  std::string out = "stale";
  ASSERT_TRUE(DecodePathSegment("a%2Fb+c", out));
  EXPECT_EQ(out, "a/b+c");
  EXPECT_FALSE(DecodePathSegment("%2", out));
}

TEST(RequestTest, LooksUpHeadersQueryAndParams) {
  Request request;
  request.headers = {{"content-type", "application/json"}, {"x-a", "1"}, {"x-a", "2"}};
  request.query = {{"limit", "5"}};
  request.params = {{"id", "u1"}};
  EXPECT_EQ(request.Header("x-a"), "1");
  EXPECT_EQ(request.Header("content-type"), "application/json");
  EXPECT_EQ(request.Header("X-A"), std::nullopt);
  EXPECT_EQ(request.Query("limit"), "5");
  EXPECT_EQ(request.Query("cursor"), std::nullopt);
  EXPECT_EQ(request.Param("id"), "u1");
  EXPECT_EQ(request.Param("handle"), std::nullopt);
}

}  // namespace
}  // namespace gatehouse::http
