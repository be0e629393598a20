#include "common/result.h"

#include <gtest/gtest.h>

#include <memory>

namespace gatehouse {
namespace {

Result<int> Half(int n) {
  if (n % 2 != 0) return InvalidArgument("odd");
  return n / 2;
}

Result<int> Quarter(int n) {
  GH_ASSIGN_OR_RETURN(int h, Half(n));
  return Half(h);
}

Status CheckEven(int n) {
  GH_RETURN_IF_ERROR(Half(n));
  return OkStatus();
}

TEST(Result, HoldsValueOrError) {
  Result<int> ok = Half(4);
  ASSERT_TRUE(ok.has_value());
  EXPECT_EQ(*ok, 2);
  Result<int> bad = Half(3);
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(bad.error().message(), "odd");
}

TEST(Result, MacrosPropagateErrors) {
  EXPECT_EQ(*Quarter(8), 2);
  EXPECT_FALSE(Quarter(6));
  EXPECT_TRUE(CheckEven(2).ok());
  EXPECT_EQ(CheckEven(1).error().code(), ErrorCode::kInvalidArgument);
}

TEST(Result, MoveOnlyValues) {
  Result<std::unique_ptr<int>> r = std::make_unique<int>(7);
  std::unique_ptr<int> p = std::move(r).value();
  EXPECT_EQ(*p, 7);
}

TEST(Result, ReasonAndFields) {
  Error e = Unauthenticated("expired", "try_refresh_token");
  e.WithField("session_handle", "h1");
  EXPECT_EQ(e.reason(), "try_refresh_token");
  ASSERT_EQ(e.fields().size(), 1u);
  EXPECT_EQ(e.fields()[0].second, "h1");
  EXPECT_EQ(ErrorCodeName(ErrorCode::kUnavailable), "unavailable");
}

}  // namespace
}  // namespace gatehouse
