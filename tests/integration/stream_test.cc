// The revocation feed as Server-Sent Events: replay after N, then live events in order without
// gaps; resume with Last-Event-ID; /v1/me/events carries only the signed-in user's events.
#include <gtest/gtest.h>

#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"
#include "tests/support/sse_client.h"

namespace gatehouse::testing {
namespace {

using std::chrono::seconds;

class Stream : public ::testing::Test {
 protected:
  Stream() : client_(server_.port()) {}
  boost::json::value Session(const std::string& user) {
    return Json(
        client_.Send("POST", "/v1/sessions", R"({"user_id":")" + user + "\"}", server_.Auth())
            .body);
  }
  void Revoke(const boost::json::value& s) {
    ASSERT_EQ(
        client_.Send("DELETE", "/v1/sessions/" + Str(s.at("session"), "handle"), "", server_.Auth())
            .status,
        200);
  }
  ServerProcess server_;
  HttpClient client_;
};

TEST_F(Stream, ReplaysThenFollowsLiveInOrder) {
  Revoke(Session("a"));
  Revoke(Session("a"));
  SseClient sse(server_.port(), "/v1/revocations/stream?after=0", server_.Auth());
  EXPECT_EQ(sse.WaitForEvents(2, seconds(10)), (std::vector<long>{1, 2}));
  EXPECT_EQ(sse.status(), 200);
  EXPECT_NE(sse.text().find("text/event-stream"), std::string::npos);
  for (int i = 0; i < 5; ++i) Revoke(Session("b"));
  EXPECT_EQ(sse.WaitForEvents(7, seconds(10)), (std::vector<long>{1, 2, 3, 4, 5, 6, 7}));
  EXPECT_NE(sse.text().find("event: session_revoked\ndata: {\"seq\":7"), std::string::npos);

  SseClient resumed(server_.port(), "/v1/revocations/stream",
                    {{"Authorization", "Bearer " + server_.api_key()}, {"Last-Event-ID", "5"}});
  EXPECT_EQ(resumed.WaitForEvents(2, seconds(10)), (std::vector<long>{6, 7}));
}

TEST_F(Stream, MeEventsCarryOnlyTheUsersOwnEvents) {
  auto mine = Session("me");
  auto other = Session("someone");
  SseClient sse(server_.port(), "/v1/me/events",
                {{"Authorization", "Bearer " + Str(mine.at("access_token"), "token")}});
  Revoke(other);
  client_.Send("PATCH", "/v1/users/me/access-payload", R"({"x":1})", server_.Auth());
  auto ids = sse.WaitForEvents(1, seconds(10));
  ASSERT_EQ(ids.size(), 1u);
  EXPECT_EQ(ids[0], 2);  // the claims_changed of `me`, not the revocation of `someone`
  EXPECT_NE(sse.text().find("event: claims_changed"), std::string::npos);
  EXPECT_EQ(sse.text().find("someone"), std::string::npos);
  EXPECT_EQ(client_.Send("GET", "/v1/me/events").status, 401);
  EXPECT_EQ(client_.Send("GET", "/v1/revocations/stream").status, 401);
  EXPECT_EQ(client_.Send("GET", "/v1/revocations/stream?after=x", "", server_.Auth()).status, 400);
}

}  // namespace
}  // namespace gatehouse::testing
