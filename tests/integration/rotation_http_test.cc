// The refresh rotation table of DESIGN.md item 3 over HTTP, row by row, plus concurrency, lost
// responses, theft, inactivity/absolute expiry with short TTLs, and the collector.
#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"

namespace gatehouse::testing {
namespace {

class RotationHttp : public ::testing::Test {
 protected:
  explicit RotationHttp(std::map<std::string, std::string> settings = {})
      : server_(std::move(settings)), client_(server_.port()) {}

  boost::json::value Create(const std::string& user = "u") {
    HttpResponse r =
        client_.Send("POST", "/v1/sessions", R"({"user_id":")" + user + "\"}", server_.Auth());
    EXPECT_EQ(r.status, 201);
    return Json(r.body);
  }
  HttpResponse Refresh(const std::string& token, HttpClient* via = nullptr) {
    return (via ? *via : client_)
        .Send("POST", "/v1/sessions/refresh", R"({"refresh_token":")" + token + "\"}",
              server_.Auth());
  }
  static std::string RT(const HttpResponse& r) {
    return Str(Json(r.body).at("refresh_token"), "token");
  }
  static std::string RT(const boost::json::value& v) { return Str(v.at("refresh_token"), "token"); }
  static std::string AT(const HttpResponse& r) {
    return Str(Json(r.body).at("access_token"), "token");
  }
  HttpResponse Verify(const std::string& token, const std::string& mode = "local") {
    return client_.Send("POST", "/v1/sessions/verify",
                        R"({"access_token":")" + token + R"(","mode":")" + mode + "\"}",
                        server_.Auth());
  }
  static std::string ErrorOf(const HttpResponse& r) { return Str(Json(r.body), "error"); }

  ServerProcess server_;
  HttpClient client_;
};

TEST_F(RotationHttp, CommittedTokenSurvivesALostResponse) {
  auto s = Create();
  HttpResponse lost = Refresh(RT(s));  // the client never sees this answer
  ASSERT_EQ(lost.status, 200);
  HttpResponse retry = Refresh(RT(s));
  ASSERT_EQ(retry.status, 200) << retry.body;
  EXPECT_NE(RT(retry), RT(lost));
  EXPECT_EQ(Verify(AT(retry)).status, 200);
  EXPECT_EQ(Refresh(RT(retry)).status, 200);  // never signed out
}

TEST_F(RotationHttp, PendingChildIsPromotedAndParentBecomesStale) {
  auto s = Create();
  HttpResponse child = Refresh(RT(s));
  HttpResponse grandchild = Refresh(RT(child));  // promotes child
  ASSERT_EQ(grandchild.status, 200);
  EXPECT_EQ(Refresh(RT(child)).status, 200);  // the committed one
  HttpResponse reuse = Refresh(RT(s));        // superseded parent: theft
  EXPECT_EQ(reuse.status, 401);
  EXPECT_EQ(ErrorOf(reuse), "token_theft_detected");
  auto body = Json(reuse.body);
  EXPECT_EQ(Str(body, "session_handle"), Str(s.at("session"), "handle"));
  EXPECT_EQ(Str(body, "user_id"), "u");
  // Attacker's and victim's tokens are all refused now.
  EXPECT_EQ(Refresh(RT(grandchild)).status, 401);
  EXPECT_EQ(ErrorOf(Refresh(RT(grandchild))), "unauthorised");
  EXPECT_EQ(Verify(AT(grandchild)).status, 401);
  EXPECT_EQ(Verify(AT(grandchild), "strict").status, 401);
  HttpResponse metrics = client_.Send("GET", "/metrics");
  EXPECT_NE(metrics.body.find("gatehouse_token_theft_detected_total 1"), std::string::npos);
}

TEST_F(RotationHttp, SiblingWithinGraceIsAccepted) {
  auto s = Create();
  HttpResponse tab_a = Refresh(RT(s));
  HttpResponse tab_b = Refresh(RT(s));
  ASSERT_EQ(Refresh(RT(tab_a)).status, 200);  // tab A promotes its token
  HttpResponse b = Refresh(RT(tab_b));        // tab B's sibling, well within 30 s
  EXPECT_EQ(b.status, 200) << b.body;
  EXPECT_EQ(Verify(AT(b)).status, 200);
}

TEST_F(RotationHttp, UnknownTokenIsUnauthorised) {
  HttpResponse r = Refresh("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA");
  EXPECT_EQ(r.status, 401);
  EXPECT_EQ(ErrorOf(r), "unauthorised");
}

void ConcurrentRefreshes(RotationHttp& t, ServerProcess& server, const std::string& token, int n) {
  std::vector<std::future<HttpResponse>> results;
  for (int i = 0; i < n; ++i) {
    results.push_back(std::async(std::launch::async, [&server, token] {
      HttpClient c(server.port());
      return c.Send("POST", "/v1/sessions/refresh", R"({"refresh_token":")" + token + "\"}",
                    server.Auth());
    }));
  }
  for (auto& f : results) {
    HttpResponse r = f.get();
    EXPECT_EQ(r.status, 200) << r.body;  // all succeed, no theft
  }
  (void)t;
}

TEST_F(RotationHttp, TwoAndTenConcurrentRefreshesWithOneToken) {
  for (int n : {2, 10}) {
    auto s = Create();
    ConcurrentRefreshes(*this, server_, RT(s), n);  // the committed token
    HttpResponse child = Refresh(RT(s));
    ConcurrentRefreshes(*this, server_, RT(child), n);  // a pending child: first one promotes
  }
}

class StrictRotationHttp : public RotationHttp {
 protected:
  StrictRotationHttp() : RotationHttp({{"REFRESH_GRACE", "0s"}}) {}
};

TEST_F(StrictRotationHttp, SiblingIsTheftWithoutGrace) {
  auto s = Create();
  HttpResponse tab_a = Refresh(RT(s));
  HttpResponse tab_b = Refresh(RT(s));
  ASSERT_EQ(Refresh(RT(tab_a)).status, 200);
  EXPECT_EQ(ErrorOf(Refresh(RT(tab_b))), "token_theft_detected");
}

// Expiry decided on the server's time, not the test's luck: TEST_CLOCK lets the test move the
// server's clock forward (POST /v1/test/clock), so nothing here races wall time under ASan.
class ExpiryHttp : public RotationHttp {
 protected:
  ExpiryHttp()
      : RotationHttp({{"REFRESH_TOKEN_TTL", "15m"},
                      {"SESSION_ABSOLUTE_TTL", "1h"},
                      {"ACCESS_TOKEN_TTL", "5m"},
                      {"CLOCK_LEEWAY", "0s"},
                      {"GC_INTERVAL", "100ms"},
                      {"TEST_CLOCK", "true"}}) {}
  void Advance(std::chrono::minutes m) {
    HttpResponse r = client_.Send("POST", "/v1/test/clock",
                                  R"({"advance_ms":)" + std::to_string(m.count() * 60'000) + "}",
                                  server_.Auth());
    ASSERT_EQ(r.status, 200) << r.body;
  }
};

TEST_F(ExpiryHttp, InactivityAndAbsoluteLifetimeAndCollector) {
  using std::chrono::minutes;
  auto idle = Create("idle");
  auto busy = Create("busy");
  std::string busy_rt = RT(busy);
  // Keep `busy` active every 6 minutes; leave `idle` alone.
  for (int i = 0; i < 3; ++i) {
    Advance(minutes(6));
    HttpResponse r = Refresh(busy_rt);
    ASSERT_EQ(r.status, 200) << i;
    busy_rt = RT(r);
  }
  EXPECT_EQ(Refresh(RT(idle)).status, 401);  // 18 minutes without a refresh: inactivity
  // Absolute lifetime: the busy session lives until one hour after its creation, however active.
  int refreshes = 0;
  for (int i = 0; i < 10; ++i) {
    Advance(minutes(6));
    HttpResponse r = Refresh(busy_rt);
    if (r.status != 200) break;
    busy_rt = RT(r);
    ++refreshes;
  }
  EXPECT_EQ(refreshes, 6);  // at 24, 30, ..., 54 minutes; at 60 it has ended
  EXPECT_EQ(Refresh(busy_rt).status, 401);
  // Once no access token of theirs can be accepted (a token lifetime after they ended), the
  // collector deletes both rows: they are then unknown even to DELETE.
  Advance(minutes(6));
  for (const auto* session : {&idle, &busy}) {
    const std::string handle = Str(session->at("session"), "handle");
    int status = 0;
    for (int i = 0; i < 100 && status != 404; ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(50));
      status = client_.Send("DELETE", "/v1/sessions/" + handle, "", server_.Auth()).status;
    }
    EXPECT_EQ(status, 404) << handle;
  }
}

TEST_F(ExpiryHttp, ExpiredAccessTokenAsksForRefresh) {
  auto s = Create();
  const std::string token = Str(s.at("access_token"), "token");
  EXPECT_EQ(Verify(token).status, 200);
  Advance(std::chrono::minutes(5));
  HttpResponse v = Verify(token);
  EXPECT_EQ(v.status, 401);
  EXPECT_EQ(ErrorOf(v), "try_refresh_token");
}

// The clock control exists only when TEST_CLOCK is set.
TEST_F(RotationHttp, TheTestClockIsAbsentByDefault) {
  EXPECT_EQ(client_.Send("POST", "/v1/test/clock", R"({"advance_ms":1000})", server_.Auth()).status,
            404);
}

}  // namespace
}  // namespace gatehouse::testing
