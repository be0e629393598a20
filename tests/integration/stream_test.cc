// The revocation feed as Server-Sent Events: replay after N, then live events in order without
// gaps; resume with Last-Event-ID, also across a restart; `resync` once the position was pruned;
// /v1/me/events carries only the signed-in user's events.
#include <gtest/gtest.h>

#include <chrono>
#include <memory>
#include <thread>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"
#include "tests/support/sse_client.h"

namespace gatehouse::testing {
namespace {

using std::chrono::seconds;

boost::json::value Session(const ServerProcess& server, const std::string& user) {
  HttpClient client(server.port());
  return Json(
      client.Send("POST", "/v1/sessions", R"({"user_id":")" + user + "\"}", server.Auth()).body);
}

std::string Revoke(const ServerProcess& server, const boost::json::value& s) {
  HttpClient client(server.port());
  const std::string handle = Str(s.at("session"), "handle");
  EXPECT_EQ(client.Send("DELETE", "/v1/sessions/" + handle, "", server.Auth()).status, 200);
  return handle;
}

class Stream : public ::testing::Test {
 protected:
  Stream() : client_(server_.port()) {}
  boost::json::value Session(const std::string& user) { return testing::Session(server_, user); }
  void Revoke(const boost::json::value& s) { testing::Revoke(server_, s); }
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

TEST(StreamRestart, ResumesAcrossARestartWithoutAGap) {
  auto first = std::make_unique<ServerProcess>();
  const std::string dir = first->data_dir();
  {
    SseClient live(first->port(), "/v1/revocations/stream?after=0", first->Auth());
    for (int i = 0; i < 3; ++i) Revoke(*first, Session(*first, "r"));
    EXPECT_EQ(live.WaitForEvents(3, seconds(10)), (std::vector<long>{1, 2, 3}));
    EXPECT_EQ(first->Stop(), 0);  // an open stream does not hold up a clean stop
  }
  // Same database (`first` still owns the directory); the subscriber resumes from its last id.
  ServerProcess second({}, dir);
  const std::string before = Revoke(second, Session(second, "r"));
  SseClient resumed(second.port(), "/v1/revocations/stream",
                    {{"Authorization", "Bearer " + second.api_key()}, {"Last-Event-ID", "3"}});
  EXPECT_EQ(resumed.WaitForEvents(1, seconds(10)), (std::vector<long>{4}));
  Revoke(second, Session(second, "r"));
  EXPECT_EQ(resumed.WaitForEvents(2, seconds(10)), (std::vector<long>{4, 5}));
  EXPECT_NE(resumed.text().find(before), std::string::npos);
}

TEST(StreamPruned, ResyncThenLive) {
  ServerProcess server(std::map<std::string, std::string>{{"EVENT_RETENTION", "300ms"},
                                                          {"ACCESS_TOKEN_TTL", "300ms"},
                                                          {"CLOCK_LEEWAY", "0s"},
                                                          {"GC_INTERVAL", "100ms"}});
  HttpClient client(server.port());
  Revoke(server, Session(server, "p"));
  bool resync = false;
  for (int i = 0; i < 50 && !resync; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    resync = Json(client.Send("GET", "/v1/revocations?after=0", "", server.Auth()).body)
                 .at("resync")
                 .as_bool();
  }
  ASSERT_TRUE(resync);
  // Event 1 is gone from the log; event 2 is there: a subscriber at 0 starts from a snapshot.
  const std::string retained = Revoke(server, Session(server, "p"));
  SseClient sse(server.port(), "/v1/revocations/stream?after=0", server.Auth());
  EXPECT_EQ(sse.WaitForEvents(1, seconds(10)), (std::vector<long>{2}));
  EXPECT_NE(sse.text().find("id: 2\nevent: resync\ndata: {\"last_seq\":2,\"snapshot\":"),
            std::string::npos);
  EXPECT_NE(sse.text().find(retained), std::string::npos);  // revoked, in the snapshot
  const std::string live = Revoke(server, Session(server, "p"));
  EXPECT_EQ(sse.WaitForEvents(2, seconds(10)), (std::vector<long>{2, 3}));
  EXPECT_NE(sse.text().find(live), std::string::npos);
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

// A browser's EventSource reconnects to the URL it first opened (its ?after now stale) with the
// Last-Event-ID it reached: the stream resumes after the later of the two, without replaying.
TEST_F(Stream, AReconnectResumesAfterTheLastEventIdNotTheStaleQuery) {
  for (int i = 0; i < 3; ++i) Revoke(Session("u" + std::to_string(i)));
  SseClient again(server_.port(), "/v1/revocations/stream?after=0",
                  {{"Last-Event-ID", "2"}, {"Authorization", "Bearer " + server_.api_key()}});
  const auto ids = again.WaitForEvents(1, std::chrono::seconds(5));
  ASSERT_EQ(ids.size(), 1u) << again.text();
  EXPECT_EQ(ids[0], 3);
}

// A tab that closes its stream gives its place back at once (the server watches the socket),
// not at the next heartbeat (5 s): a reload, which opens the new stream before the old one is
// gone, is not refused for being over the per-user cap.
TEST_F(Stream, AClosedStreamFreesItsPlaceForTheUserAtOnce) {
  const auto s = Session("tabs");
  const std::vector<std::pair<std::string, std::string>> auth{
      {"Authorization", "Bearer " + Str(s.at("access_token"), "token")}};
  auto open = [&] {
    auto sse = std::make_unique<SseClient>(server_.port(), "/v1/me/events", auth);
    sse->WaitForEvents(1, std::chrono::milliseconds(300));  // reads the status line
    return sse;
  };
  std::vector<std::unique_ptr<SseClient>> tabs;
  for (int i = 0; i < 5; ++i) {
    tabs.push_back(open());
    ASSERT_EQ(tabs.back()->status(), 200) << i;
  }
  EXPECT_EQ(open()->status(), 429);  // the cap: five streams per user
  tabs.erase(tabs.begin());          // one tab closes its socket
  const auto start = std::chrono::steady_clock::now();
  int status = 0;
  while (std::chrono::steady_clock::now() - start < std::chrono::milliseconds(1500)) {
    status = open()->status();
    if (status == 200) break;
  }
  EXPECT_EQ(status, 200) << "the closed stream still held its place";
}

}  // namespace
}  // namespace gatehouse::testing
