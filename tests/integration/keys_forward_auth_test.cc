// Key rotation with the emergency switch, and forward auth for reverse proxies.
#include <gtest/gtest.h>

#include <algorithm>

#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"

namespace gatehouse::testing {
namespace {

class KeysAndForwardAuth : public ::testing::Test {
 protected:
  KeysAndForwardAuth() : client_(server_.port()) {}
  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "") {
    return client_.Send(method, target, body, server_.Auth());
  }
  boost::json::value Session(const std::string& user) {
    return Json(Call("POST", "/v1/sessions", R"({"user_id":")" + user + "\"}").body);
  }
  static std::string AT(const boost::json::value& s) { return Str(s.at("access_token"), "token"); }
  std::string VerifyError(const std::string& token) {
    HttpResponse r = Call("POST", "/v1/sessions/verify", R"({"access_token":")" + token + "\"}");
    return r.status == 200 ? "ok" : Str(Json(r.body), "error");
  }
  std::vector<std::string> Kids() {
    std::vector<std::string> kids;
    auto jwks = Json(client_.Send("GET", "/.well-known/jwks.json").body);
    for (const auto& k : jwks.at("keys").as_array()) kids.push_back(Str(k, "kid"));
    return kids;
  }
  ServerProcess server_;
  HttpClient client_;
};

TEST_F(KeysAndForwardAuth, RotationKeepsOldTokensAndTheEmergencySwitchRefreshesThem) {
  auto s = Session("k");
  const auto kids_before = Kids();
  ASSERT_EQ(kids_before.size(), 1u);
  HttpResponse plain = Call("POST", "/v1/keys/rotate");
  ASSERT_EQ(plain.status, 200) << plain.body;
  EXPECT_EQ(Kids().size(), 2u);  // the retired key stays published
  EXPECT_EQ(VerifyError(AT(s)), "ok");

  HttpResponse emergency = Call("POST", "/v1/keys/rotate", R"({"revoke_previous":true})");
  ASSERT_EQ(emergency.status, 200);
  const std::string kid = Str(Json(emergency.body), "kid");
  EXPECT_EQ(Kids(), std::vector<std::string>{kid});
  EXPECT_EQ(VerifyError(AT(s)), "try_refresh_token");
  HttpResponse refreshed =
      Call("POST", "/v1/sessions/refresh",
           R"({"refresh_token":")" + Str(s.at("refresh_token"), "token") + "\"}");
  ASSERT_EQ(refreshed.status, 200);
  EXPECT_EQ(VerifyError(Str(Json(refreshed.body).at("access_token"), "token")), "ok");
  auto audit = Json(Call("GET", "/v1/audit?limit=10").body);
  EXPECT_NE(Dump(audit).find("key_revoked"), std::string::npos);
  // The feed carries one key_revoked per revoked key (the original and the one retired above),
  // for verifiers elsewhere.
  auto feed = Json(Call("GET", "/v1/revocations?after=0").body).at("events").as_array();
  std::vector<std::string> revoked;
  for (const auto& e : feed) {
    if (Str(e, "type") == "key_revoked") revoked.push_back(Str(e, "kid"));
  }
  EXPECT_EQ(revoked.size(), 2u);
  EXPECT_NE(std::find(revoked.begin(), revoked.end(), kids_before[0]), revoked.end());
  EXPECT_EQ(Call("POST", "/v1/keys/rotate", R"({"revoke_previous":"yes"})").status, 400);
}

TEST_F(KeysAndForwardAuth, ForwardAuthPassesHeadersAndRefusesRevokedSessions) {
  ASSERT_EQ(Call("PUT", "/v1/roles/editor", R"({"permissions":["x"]})").status, 200);
  ASSERT_EQ(Call("PUT", "/v1/users/fwd/roles/editor").status, 200);
  auto s = Session("fwd");
  HttpClient proxy(server_.port());
  HttpResponse ok = proxy.Send("GET", "/v1/auth/check", "", {{"Authorization", "Bearer " + AT(s)}});
  ASSERT_EQ(ok.status, 200) << ok.body;
  EXPECT_EQ(ok.Header("x-gatehouse-user").value_or(""), "fwd");
  EXPECT_EQ(ok.Header("x-gatehouse-session").value_or(""), Str(s.at("session"), "handle"));
  EXPECT_EQ(ok.Header("x-gatehouse-roles").value_or(""), "editor");
  EXPECT_EQ(proxy.Send("GET", "/v1/auth/check").status, 401);
  EXPECT_EQ(proxy.Send("GET", "/v1/auth/check", "", {{"Authorization", "Bearer junk"}}).status,
            401);
  ASSERT_EQ(Call("DELETE", "/v1/sessions/" + Str(s.at("session"), "handle")).status, 200);
  EXPECT_EQ(proxy.Send("GET", "/v1/auth/check", "", {{"Authorization", "Bearer " + AT(s)}}).status,
            401);
}

TEST_F(KeysAndForwardAuth, PolicyShowsTheTableInForce) {
  HttpResponse r = Call("GET", "/v1/policy");
  ASSERT_EQ(r.status, 200) << r.body;
  auto events = Json(r.body).at("events").as_array();
  ASSERT_EQ(events.size(), 7u);
  EXPECT_EQ(Str(events[0], "event"), "password_changed_by_user");
  EXPECT_EQ(Str(events[0], "sessions"), "others");
  EXPECT_EQ(client_.Send("GET", "/v1/policy").status, 401);
  ServerProcess custom(std::map<std::string, std::string>{{"PASSWORD_CHANGE_ENDS", "all"}});
  HttpClient c(custom.port());
  auto table = Json(c.Send("GET", "/v1/policy", "", custom.Auth()).body);
  EXPECT_EQ(Str(table.at("events").at(0), "sessions"), "all");
}

}  // namespace
}  // namespace gatehouse::testing
