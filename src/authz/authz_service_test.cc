#include "authz/authz_service.h"

#include <gtest/gtest.h>

#include "sessions/test_fixture.h"

namespace gatehouse::authz {
namespace {

using sessions::VerifyMode;

class AuthzServiceTest : public ::testing::Test {
 protected:
  AuthzServiceTest() : authz_(f_.memory(), f_.clock()) {}
  sessions::IssuedSession Session(const std::string& user) {
    return f_.service().Create({.user_id = user}).value();
  }
  std::string_view VerifyReason(const std::string& token, VerifyMode mode = VerifyMode::kLocal) {
    auto r = f_.service().Verify(token, mode);
    return r ? std::string_view("ok") : r.error().reason();
  }
  sessions::testing::ServiceFixture f_;
  AuthzService authz_;
};

TEST_F(AuthzServiceTest, GrantMakesTheHolderRefreshIntoTheNewRoles) {
  ASSERT_TRUE(authz_.PutRole("editor", {"doc:write", "doc:read", "doc:read"}));
  EXPECT_EQ(authz_.GetRole("editor")->permissions,
            (std::vector<std::string>{"doc:read", "doc:write"}));
  auto s = Session("alice");
  EXPECT_FALSE(authz_.Check("alice", "doc:write").value());
  ASSERT_TRUE(authz_.Grant("alice", "editor").value());
  EXPECT_TRUE(authz_.Check("alice", "doc:write").value());  // at once, from the store
  EXPECT_EQ(VerifyReason(s.access_token), reason::kTryRefreshToken);
  EXPECT_EQ(VerifyReason(s.access_token, VerifyMode::kStrict), reason::kTryRefreshToken);
  auto refreshed = f_.service().Refresh(s.refresh_token).value();
  auto claims = f_.service().Verify(refreshed.access_token, VerifyMode::kLocal).value();
  EXPECT_EQ(claims->RoleList(), std::vector<std::string>{"editor"});
  EXPECT_FALSE(authz_.Grant("alice", "editor").value());  // already held: no bump
  EXPECT_EQ(VerifyReason(refreshed.access_token), "ok");

  ASSERT_TRUE(authz_.Remove("alice", "editor").value());
  EXPECT_FALSE(authz_.Check("alice", "doc:read").value());
  EXPECT_EQ(VerifyReason(refreshed.access_token), reason::kTryRefreshToken);
  EXPECT_EQ(authz_.Grant("alice", "no-such-role").error().code(), ErrorCode::kNotFound);
}

TEST_F(AuthzServiceTest, ChangingARoleAffectsEveryHolder) {
  ASSERT_TRUE(authz_.PutRole("viewer", {"doc:read", "doc:export"}));
  ASSERT_TRUE(authz_.Grant("a", "viewer"));
  ASSERT_TRUE(authz_.Grant("b", "viewer"));
  auto sa = Session("a"), sb = Session("b"), sc = Session("c");
  ASSERT_TRUE(authz_.PutRole("viewer", {"doc:read"}));  // a permission removed
  EXPECT_FALSE(authz_.Check("a", "doc:export").value());
  EXPECT_FALSE(authz_.Check("b", "doc:export").value());
  EXPECT_EQ(VerifyReason(sa.access_token), reason::kTryRefreshToken);
  EXPECT_EQ(VerifyReason(sb.access_token), reason::kTryRefreshToken);
  EXPECT_EQ(VerifyReason(sc.access_token), "ok");  // not a holder
  EXPECT_EQ(authz_.RoleUsers("viewer").value(), (std::vector<std::string>{"a", "b"}));
  ASSERT_TRUE(authz_.DeleteRole("viewer").ok());
  EXPECT_TRUE(authz_.UserRoles("a")->empty());
  EXPECT_EQ(authz_.DeleteRole("viewer").error().code(), ErrorCode::kNotFound);
}

TEST_F(AuthzServiceTest, NamesAreValidated) {
  EXPECT_EQ(authz_.PutRole("", {}).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(authz_.PutRole("has space", {}).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(authz_.PutRole("ok", {"bad perm"}).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(authz_.PutRole(std::string(129, 'r'), {}).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(authz_.PutRole("gatehouse:admin", {"gatehouse:admin"}));
}

}  // namespace
}  // namespace gatehouse::authz
