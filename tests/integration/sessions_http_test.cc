// Sessions over HTTP against the real server on a temp SQLite file: every endpoint of API.md
// "Sessions", revocation immediacy, and a refresh racing a revoke.
#include <gtest/gtest.h>

#include <atomic>
#include <thread>

#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"

namespace gatehouse::testing {
namespace {

class SessionsHttp : public ::testing::Test {
 protected:
  SessionsHttp() : client_(server_.port()) {}

  HttpResponse Call(const std::string& method, const std::string& target,
                    const std::string& body = "") {
    return client_.Send(method, target, body, server_.Auth());
  }
  boost::json::value Create(const std::string& user, const std::string& extra = "") {
    HttpResponse r = Call("POST", "/v1/sessions", R"({"user_id":")" + user + "\"" + extra + "}");
    EXPECT_EQ(r.status, 201) << r.body;
    return Json(r.body);
  }
  static std::string Access(const boost::json::value& issued) {
    return Str(issued.at("access_token"), "token");
  }
  static std::string Refresh(const boost::json::value& issued) {
    return Str(issued.at("refresh_token"), "token");
  }
  static std::string Handle(const boost::json::value& issued) {
    return Str(issued.at("session"), "handle");
  }
  HttpResponse Verify(const std::string& token, const std::string& mode = "local") {
    return Call("POST", "/v1/sessions/verify",
                R"({"access_token":")" + token + R"(","mode":")" + mode + "\"}");
  }
  HttpResponse RefreshWith(const std::string& token) {
    return Call("POST", "/v1/sessions/refresh", R"({"refresh_token":")" + token + "\"}");
  }

  ServerProcess server_;
  HttpClient client_;
};

TEST_F(SessionsHttp, BackendApiNeedsTheKey) {
  HttpResponse r = client_.Send("POST", "/v1/sessions", R"({"user_id":"u"})");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(Str(Json(r.body), "error"), "unauthorised");
  r = client_.Send("POST", "/v1/sessions", R"({"user_id":"u"})",
                   {{"Authorization", "Bearer " + server_.api_key() + "x"}});
  EXPECT_EQ(r.status, 401);
}

TEST_F(SessionsHttp, CreateVerifyGetAndShapes) {
  auto issued = Create("alice", R"(,"access_payload":{"tenant":"acme"},"session_data":{"cart":3},)"
                                R"("device":{"user_agent":"Firefox/140","ip":"192.0.2.7"})");
  const auto& session = issued.at("session").as_object();
  EXPECT_EQ(Str(session, "user_id"), "alice");
  EXPECT_EQ(Str(session.at("device"), "user_agent"), "Firefox/140");
  EXPECT_EQ(session.at("session_data").at("cart").as_int64(), 3);
  EXPECT_TRUE(session.at("created_at").is_int64());
  EXPECT_GT(issued.at("access_token").at("expires_at").as_int64(),
            session.at("created_at").as_int64());

  for (const char* mode : {"stateless", "local", "strict"}) {
    HttpResponse v = Verify(Access(issued), mode);
    ASSERT_EQ(v.status, 200) << mode << v.body;
    auto body = Json(v.body);
    EXPECT_EQ(Str(body, "user_id"), "alice");
    EXPECT_EQ(Str(body, "session_handle"), Handle(issued));
    EXPECT_TRUE(body.at("roles").is_array());
    EXPECT_EQ(Str(body.at("claims"), "tenant"), "acme");
    EXPECT_EQ(Str(body.at("claims"), "iss"), "http://127.0.0.1:3567");
  }
  HttpResponse v = Call("POST", "/v1/sessions/verify",
                        R"({"access_token":")" + Access(issued) + "\"}");  // default mode: local
  EXPECT_EQ(v.status, 200);

  HttpResponse got = Call("GET", "/v1/sessions/" + Handle(issued));
  ASSERT_EQ(got.status, 200);
  EXPECT_EQ(Str(Json(got.body).at("session"), "handle"), Handle(issued));
  EXPECT_EQ(Call("GET", "/v1/sessions/nope").status, 404);
}

TEST_F(SessionsHttp, PatchMergesAndPayloadReachesTheNextToken) {
  auto issued = Create("bob", R"(,"access_payload":{"a":1,"b":2},"session_data":{"x":1})");
  HttpResponse p = Call("PATCH", "/v1/sessions/" + Handle(issued),
                        R"({"session_data":{"x":null,"y":2},"access_payload":{"b":null,"c":3}})");
  ASSERT_EQ(p.status, 200) << p.body;
  auto session = Json(p.body).at("session");
  EXPECT_EQ(Dump(session.at("session_data")), R"({"y":2})");
  EXPECT_FALSE(session.at("access_payload").as_object().contains("b"));
  auto refreshed = Json(RefreshWith(Refresh(issued)).body);
  auto claims = Json(Verify(Access(refreshed)).body).at("claims");
  EXPECT_EQ(claims.at("c").as_int64(), 3);
  EXPECT_FALSE(claims.as_object().contains("b"));

  HttpResponse reserved =
      Call("PATCH", "/v1/sessions/" + Handle(issued), R"({"access_payload":{"sub":"root"}})");
  EXPECT_EQ(reserved.status, 400);
  EXPECT_EQ(Call("POST", "/v1/sessions", R"({"user_id":"u","access_payload":{"exp":1}})").status,
            400);

  HttpResponse user_patch = Call("PATCH", "/v1/users/bob/access-payload", R"({"plan":"pro"})");
  ASSERT_EQ(user_patch.status, 200) << user_patch.body;
  EXPECT_EQ(Json(user_patch.body).at("updated").as_int64(), 1);
  EXPECT_EQ(Str(Json(Call("GET", "/v1/sessions/" + Handle(issued)).body)
                    .at("session")
                    .at("access_payload"),
                "plan"),
            "pro");
}

TEST_F(SessionsHttp, RevokeIsImmediateForLocalAndStrict) {
  auto issued = Create("carol");
  ASSERT_EQ(Verify(Access(issued)).status, 200);  // cached as verified
  HttpResponse del = Call("DELETE", "/v1/sessions/" + Handle(issued));
  ASSERT_EQ(del.status, 200);
  EXPECT_TRUE(Json(del.body).at("revoked").as_bool());
  for (const char* mode : {"local", "strict"}) {
    HttpResponse v = Verify(Access(issued), mode);
    EXPECT_EQ(v.status, 401) << mode;
    EXPECT_EQ(Str(Json(v.body), "error"), "unauthorised") << mode;
  }
  EXPECT_EQ(RefreshWith(Refresh(issued)).status, 401);
  HttpResponse again = Call("DELETE", "/v1/sessions/" + Handle(issued));
  EXPECT_EQ(again.status, 200);
  EXPECT_FALSE(Json(again.body).at("revoked").as_bool());
  EXPECT_EQ(Call("DELETE", "/v1/sessions/unknown-handle").status, 404);
}

// The server decides whether a verify may read the store (strict) before parsing its body: a
// mode spelled with a JSON escape is still strict, answered like the plain one.
TEST_F(SessionsHttp, AnEscapedStrictModeIsStillStrict) {
  auto issued = Create("escaped");
  EXPECT_EQ(Verify(Access(issued), "\\u0073trict").status, 200);
  ASSERT_EQ(Call("DELETE", "/v1/sessions/" + Handle(issued)).status, 200);
  HttpResponse v = Verify(Access(issued), "\\u0073trict");
  EXPECT_EQ(v.status, 401) << v.body;
  EXPECT_EQ(Verify(Access(issued), "stric\\u0074").status, 401);
  EXPECT_EQ(Str(Json(Verify(Access(issued), "\\u0073tricter").body), "error"), "bad_request");
}

TEST_F(SessionsHttp, ListAndRevokeAllExcept) {
  auto a = Create("dave");
  auto b = Create("dave");
  auto c = Create("dave");
  Create("erin");
  auto list = Json(Call("GET", "/v1/users/dave/sessions").body).at("sessions").as_array();
  ASSERT_EQ(list.size(), 3u);
  HttpResponse r = Call("DELETE", "/v1/users/dave/sessions?except=" + Handle(b));
  ASSERT_EQ(r.status, 200);
  EXPECT_EQ(Json(r.body).at("revoked").as_int64(), 2);
  EXPECT_EQ(Verify(Access(a)).status, 401);
  EXPECT_EQ(Verify(Access(b)).status, 200);
  EXPECT_EQ(Verify(Access(c), "strict").status, 401);
  list = Json(Call("GET", "/v1/users/dave/sessions").body).at("sessions").as_array();
  ASSERT_EQ(list.size(), 1u);
  EXPECT_EQ(Str(list[0], "handle"), Handle(b));
  EXPECT_EQ(Json(Call("DELETE", "/v1/users/dave/sessions").body).at("revoked").as_int64(), 1);
  EXPECT_EQ(Json(Call("GET", "/v1/users/erin/sessions").body).at("sessions").as_array().size(), 1u);
}

// A refresh racing a revoke never yields a usable token after the revoke returned.
TEST_F(SessionsHttp, RefreshRacingRevokeNeverOutlivesTheRevoke) {
  for (int round = 0; round < 25; ++round) {
    auto issued = Create("racer");
    std::vector<std::string> late_tokens;  // every token any refresh returned
    std::mutex mu;
    std::vector<std::thread> refreshers;
    for (int t = 0; t < 3; ++t) {
      refreshers.emplace_back([&] {
        HttpClient c(server_.port());
        std::string token = Refresh(issued);
        for (int i = 0; i < 4; ++i) {
          HttpResponse r = c.Send("POST", "/v1/sessions/refresh",
                                  R"({"refresh_token":")" + token + "\"}", server_.Auth());
          if (r.status != 200) {
            EXPECT_EQ(r.status, 401);
            break;
          }
          auto body = Json(r.body);
          token = Refresh(body);
          std::lock_guard lock(mu);
          late_tokens.push_back(Access(body));
          late_tokens.push_back("refresh:" + token);
        }
      });
    }
    HttpClient admin(server_.port());
    ASSERT_EQ(admin.Send("DELETE", "/v1/sessions/" + Handle(issued), "", server_.Auth()).status,
              200);
    for (auto& th : refreshers) th.join();
    // Whenever each refresh committed, none of its tokens works once the revoke has returned.
    for (const auto& token : late_tokens) {
      if (token.starts_with("refresh:")) {
        EXPECT_EQ(RefreshWith(token.substr(8)).status, 401);
      } else {
        EXPECT_EQ(Verify(token, "local").status, 401);
        EXPECT_EQ(Verify(token, "strict").status, 401);
      }
    }
  }
}

TEST_F(SessionsHttp, MetricsCountSessions) {
  auto issued = Create("frank");
  RefreshWith(Refresh(issued));
  Call("DELETE", "/v1/sessions/" + Handle(issued));
  HttpResponse m = client_.Send("GET", "/metrics");
  ASSERT_EQ(m.status, 200);
  EXPECT_NE(m.body.find("gatehouse_sessions_created_total 1"), std::string::npos) << m.body;
  EXPECT_NE(m.body.find("gatehouse_sessions_refreshed_total 1"), std::string::npos);
  EXPECT_NE(m.body.find("gatehouse_sessions_revoked_total 1"), std::string::npos);
  EXPECT_NE(m.body.find(R"(gatehouse_http_requests_total{route="/v1/sessions",status="201"} 1)"),
            std::string::npos);
  EXPECT_NE(m.body.find("gatehouse_http_request_duration_seconds_bucket"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse::testing
