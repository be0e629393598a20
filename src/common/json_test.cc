#include "common/json.h"

#include <gtest/gtest.h>

namespace gatehouse::json {
namespace {

TEST(ParseStrict, ParsesValidJson) {
  auto v = ParseStrict(R"({"a":1,"b":[true,null,"x"],"c":{"d":-2.5}})");
  ASSERT_TRUE(v);
  EXPECT_EQ(v->at("a").as_int64(), 1);
  EXPECT_EQ(v->at("b").as_array().size(), 3u);
  EXPECT_EQ(v->at("c").at("d").as_double(), -2.5);
}

TEST(ParseStrict, RejectsDuplicateMembersAtAnyDepth) {
  EXPECT_FALSE(ParseStrict(R"({"a":1,"a":2})"));
  EXPECT_FALSE(ParseStrict(R"({"x":{"a":1,"b":2,"a":3}})"));
  EXPECT_FALSE(ParseStrict(R"([{"k":1,"k":1}])"));
  // Same name in sibling objects is fine.
  EXPECT_TRUE(ParseStrict(R"([{"k":1},{"k":1}])"));
}

// Found by the json_strict fuzz target: 1e309 parsed to infinity, which serialises to JSON that
// does not parse back, so a stored session_data holding it could not be read again.
TEST(ParseStrict, RejectsNumbersTooLargeForADouble) {
  for (const char* text : {"1e309", "[-1e400]", R"({"a":{"b":123e99999}})"}) {
    auto r = json::ParseStrict(text);
    ASSERT_FALSE(r) << text;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_TRUE(json::ParseStrict("[1e308, -1.7976931348623157e308, 5e-324]"));
}

TEST(ParseStrict, RejectsMalformedInput) {
  for (const char* bad :
       {"", "{", "{\"a\":}", "[1,]", "{\"a\":1} x", "nul", "'a'", "{\"a\":1,}", "/*c*/1"}) {
    EXPECT_FALSE(ParseStrict(bad)) << bad;
  }
}

TEST(ParseStrict, RejectsInvalidUtf8) {
  EXPECT_FALSE(ParseStrict("\"\xff\""));
  EXPECT_FALSE(ParseStrict("\"\xc0\xaf\""));          // overlong '/'
  EXPECT_FALSE(ParseStrict("{\"\xed\xa0\x80\":1}"));  // surrogate
}

TEST(ParseStrict, RejectsNestingBombs) {
  const std::string deep(100000, '[');
  auto r = ParseStrict(deep);
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("deep"), std::string::npos);
  EXPECT_TRUE(ParseStrict(std::string(10, '[') + std::string(10, ']')));
}

}  // namespace
}  // namespace gatehouse::json
