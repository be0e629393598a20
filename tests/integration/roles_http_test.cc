// Roles and immediate propagation over HTTP: a grant, a removal or a change to a role's
// permissions makes every affected token answer try_refresh_token at once; the refresh carries
// the new roles; /v1/authz/check always reflects the store.
#include <gtest/gtest.h>

#include <map>
#include <string>

#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"

namespace gatehouse::testing {
namespace {

class RolesHttp : public ::testing::Test {
 protected:
  explicit RolesHttp(std::map<std::string, std::string> settings = {})
      : server_(std::move(settings)), client_(server_.port()) {}
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "") {
    return client_.Send(method, target, body, server_.Auth());
  }
  boost::json::value Session(const std::string& user) {
    return Json(Call("POST", "/v1/sessions", R"({"user_id":")" + user + "\"}").body);
  }
  std::string VerifyError(const boost::json::value& s, const std::string& mode = "local") {
    HttpResponse r = Call("POST", "/v1/sessions/verify",
                          R"({"access_token":")" + Str(s.at("access_token"), "token") +
                              R"(","mode":")" + mode + "\"}");
    return r.status == 200 ? "ok" : Str(Json(r.body), "error");
  }
  bool Allowed(const std::string& user, const std::string& permission) {
    HttpResponse r = Call("POST", "/v1/authz/check",
                          R"({"user_id":")" + user + R"(","permission":")" + permission + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r.body).at("allowed").as_bool();
  }
  boost::json::value Refresh(const boost::json::value& s) {
    HttpResponse r = Call("POST", "/v1/sessions/refresh",
                          R"({"refresh_token":")" + Str(s.at("refresh_token"), "token") + "\"}");
    EXPECT_EQ(r.status, 200) << r.body;
    return Json(r.body);
  }

  ServerProcess server_;
  HttpClient client_;
};

TEST_F(RolesHttp, GrantAndRemoveReachLiveTokensAtOnce) {
  ASSERT_EQ(Call("PUT", "/v1/roles/editor", R"({"permissions":["doc:read","doc:write"]})").status,
            200);
  auto s = Session("alice");
  EXPECT_EQ(VerifyError(s), "ok");
  EXPECT_FALSE(Allowed("alice", "doc:write"));
  ASSERT_EQ(Call("PUT", "/v1/users/alice/roles/editor").status, 200);
  EXPECT_TRUE(Allowed("alice", "doc:write"));
  EXPECT_EQ(VerifyError(s), "try_refresh_token");
  EXPECT_EQ(VerifyError(s, "strict"), "try_refresh_token");
  auto fresh = Refresh(s);
  HttpResponse v = Call("POST", "/v1/sessions/verify",
                        R"({"access_token":")" + Str(fresh.at("access_token"), "token") + "\"}");
  ASSERT_EQ(v.status, 200);
  EXPECT_EQ(Dump(Json(v.body).at("roles")), R"(["editor"])");
  EXPECT_EQ(Json(v.body).at("claims").at("ver").as_int64(), 1);
  EXPECT_EQ(Dump(Json(Call("GET", "/v1/users/alice/roles").body).at("roles")), R"(["editor"])");
  EXPECT_EQ(Dump(Json(Call("GET", "/v1/users/alice/permissions").body).at("permissions")),
            R"(["doc:read","doc:write"])");

  ASSERT_EQ(Call("DELETE", "/v1/users/alice/roles/editor").status, 200);
  EXPECT_FALSE(Allowed("alice", "doc:read"));
  EXPECT_EQ(VerifyError(fresh), "try_refresh_token");
  auto again = Refresh(fresh);
  HttpResponse v2 = Call("POST", "/v1/sessions/verify",
                         R"({"access_token":")" + Str(again.at("access_token"), "token") + "\"}");
  EXPECT_EQ(Dump(Json(v2.body).at("roles")), "[]");
}

TEST_F(RolesHttp, PermissionRemovedFromARoleAffectsEveryHolder) {
  ASSERT_EQ(Call("PUT", "/v1/roles/viewer", R"({"permissions":["doc:read","doc:export"]})").status,
            200);
  Call("PUT", "/v1/users/a/roles/viewer");
  Call("PUT", "/v1/users/b/roles/viewer");
  auto sa = Session("a"), sb = Session("b"), sc = Session("c");
  ASSERT_EQ(Call("PUT", "/v1/roles/viewer", R"({"permissions":["doc:read"]})").status, 200);
  EXPECT_FALSE(Allowed("a", "doc:export"));
  EXPECT_FALSE(Allowed("b", "doc:export"));
  EXPECT_TRUE(Allowed("b", "doc:read"));
  EXPECT_EQ(VerifyError(sa), "try_refresh_token");
  EXPECT_EQ(VerifyError(sb), "try_refresh_token");
  EXPECT_EQ(VerifyError(sc), "ok");
  EXPECT_EQ(Dump(Json(Call("GET", "/v1/roles/viewer/users").body).at("users")), R"(["a","b"])");
  EXPECT_EQ(Call("DELETE", "/v1/roles/viewer").status, 200);
  EXPECT_EQ(Call("GET", "/v1/roles/viewer").status, 404);
  EXPECT_EQ(Call("PUT", "/v1/users/a/roles/viewer").status, 404);
}

class RolesHttpWithPermissions : public RolesHttp {
 protected:
  RolesHttpWithPermissions() : RolesHttp({{"ACCESS_TOKEN_PERMISSIONS", "true"}}) {}
  std::string Perms(const boost::json::value& s) {
    HttpResponse v = Call("POST", "/v1/sessions/verify",
                          R"({"access_token":")" + Str(s.at("access_token"), "token") + "\"}");
    EXPECT_EQ(v.status, 200) << v.body;
    return Dump(Json(v.body).at("claims").at("perms"));
  }
};

TEST_F(RolesHttpWithPermissions, TokensCarryThePermissionsAndARefreshBringsTheNewOnes) {
  ASSERT_EQ(Call("PUT", "/v1/roles/viewer", R"({"permissions":["doc:read"]})").status, 200);
  ASSERT_EQ(Call("PUT", "/v1/roles/editor", R"({"permissions":["doc:write","doc:read"]})").status,
            200);
  Call("PUT", "/v1/users/p/roles/viewer");
  Call("PUT", "/v1/users/p/roles/editor");
  auto s = Session("p");
  EXPECT_EQ(Perms(s), R"(["doc:read","doc:write"])");  // the union, sorted, without repeats
  ASSERT_EQ(Call("PUT", "/v1/roles/editor", R"({"permissions":["doc:publish"]})").status, 200);
  EXPECT_EQ(VerifyError(s), "try_refresh_token");
  EXPECT_EQ(Perms(Refresh(s)), R"(["doc:publish","doc:read"])");
}

TEST_F(RolesHttp, TokensCarryNoPermissionsUnlessConfigured) {
  ASSERT_EQ(Call("PUT", "/v1/roles/viewer", R"({"permissions":["doc:read"]})").status, 200);
  Call("PUT", "/v1/users/q/roles/viewer");
  auto s = Session("q");
  HttpResponse v = Call("POST", "/v1/sessions/verify",
                        R"({"access_token":")" + Str(s.at("access_token"), "token") + "\"}");
  ASSERT_EQ(v.status, 200);
  EXPECT_FALSE(Json(v.body).at("claims").as_object().contains("perms"));
  EXPECT_EQ(Dump(Json(v.body).at("roles")), R"(["viewer"])");
}

TEST_F(RolesHttp, BadInput) {
  EXPECT_EQ(Call("PUT", "/v1/roles/editor", R"({"permissions":"doc:read"})").status, 400);
  EXPECT_EQ(Call("PUT", "/v1/roles/editor", R"({"permissions":[1]})").status, 400);
  EXPECT_EQ(Call("PUT", "/v1/roles/bad%20name", R"({"permissions":[]})").status, 400);
  EXPECT_EQ(Call("PUT", "/v1/roles/editor", R"({"perms":[]})").status, 400);
  EXPECT_EQ(Call("POST", "/v1/authz/check", R"({"user_id":"a"})").status, 400);
  EXPECT_EQ(Call("POST", "/v1/authz/check", "{").status, 400);
  EXPECT_EQ(client_.Send("GET", "/v1/roles").status, 401);
  EXPECT_EQ(Call("GET", "/healthz").status, 200);
}

}  // namespace
}  // namespace gatehouse::testing
