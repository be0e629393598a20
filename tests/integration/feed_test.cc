// The revocation feed (catch-up form): every event after N, in order, without gaps, across a
// restart of the server; a resync snapshot once N has been pruned.
#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <thread>

#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"
#include "tests/support/sse_client.h"

namespace gatehouse::testing {
namespace {

boost::json::value Feed(HttpClient& c, const ServerProcess& s, std::int64_t after) {
  HttpResponse r = c.Send("GET", "/v1/revocations?after=" + std::to_string(after), "", s.Auth());
  EXPECT_EQ(r.status, 200) << r.body;
  return Json(r.body);
}

std::string NewSessionHandle(HttpClient& c, const ServerProcess& s, const std::string& user) {
  return Str(Json(c.Send("POST", "/v1/sessions", R"({"user_id":")" + user + "\"}", s.Auth()).body)
                 .at("session"),
             "handle");
}

TEST(Feed, EveryEventInOrderAcrossARestart) {
  std::string dir;
  std::vector<std::string> handles;
  {
    ServerProcess first;
    dir = first.data_dir();
    HttpClient c(first.port());
    for (int i = 0; i < 3; ++i) handles.push_back(NewSessionHandle(c, first, "f"));
    for (const auto& h : handles) c.Send("DELETE", "/v1/sessions/" + h, "", first.Auth());
    c.Send("PATCH", "/v1/users/f/access-payload", R"({"tier":"gold"})", first.Auth());
    auto feed = Feed(c, first, 0);
    EXPECT_FALSE(feed.at("resync").as_bool());
    auto events = feed.at("events").as_array();
    ASSERT_EQ(events.size(), 4u);
    for (std::size_t i = 0; i < events.size(); ++i) {
      EXPECT_EQ(events[i].at("seq").as_int64(), static_cast<std::int64_t>(i + 1));
    }
    EXPECT_EQ(Str(events[0], "type"), "session_revoked");
    EXPECT_EQ(Str(events[0], "session_handle"), handles[0]);
    EXPECT_EQ(Str(events[3], "type"), "claims_changed");
    EXPECT_EQ(events[3].at("ver").as_int64(), 1);
    EXPECT_EQ(feed.at("last_seq").as_int64(), 4);
    // A subscriber at 2 gets 3 and 4.
    auto tail = Feed(c, first, 2).at("events").as_array();
    ASSERT_EQ(tail.size(), 2u);
    EXPECT_EQ(tail[0].at("seq").as_int64(), 3);
    auto victim = Json(c.Send("POST", "/v1/sessions", R"({"user_id":"v"})", first.Auth()).body);
    const std::string victim_token = Str(victim.at("access_token"), "token");
    c.Send("DELETE", "/v1/sessions/" + Str(victim.at("session"), "handle"), "", first.Auth());
    first.Stop();
    // Same database (`first` still owns the directory): the sequence continues, never reused.
    ServerProcess second({}, dir);
    HttpClient c2(second.port());
    NewSessionHandle(c2, second, "g");
    HttpResponse ban = c2.Send("POST", "/v1/users/g/ban", "{}", second.Auth());
    ASSERT_EQ(ban.status, 200) << ban.body;
    auto after4 = Feed(c2, second, 4).at("events").as_array();
    ASSERT_EQ(after4.size(), 2u);
    EXPECT_EQ(after4[0].at("seq").as_int64(), 5);  // the victim's revocation, before the restart
    EXPECT_EQ(after4[1].at("seq").as_int64(), 6);
    EXPECT_EQ(Str(after4[1], "type"), "user_banned");
    // The restarted server rebuilt its revocation state: the revoked token stays refused.
    HttpResponse v =
        c2.Send("POST", "/v1/sessions/verify",
                R"({"access_token":")" + victim_token + R"(","mode":"local"})", second.Auth());
    EXPECT_EQ(v.status, 401);
  }
}

// Retention may not be shorter than a token lifetime (a restart rebuilds the state from the
// log), so both are short here: once the first event is pruned, a reader at 0 gets a snapshot as
// of the head of the log, holding what the retained events did.
TEST(Feed, ResyncOncePruned) {
  ServerProcess server(std::map<std::string, std::string>{{"EVENT_RETENTION", "300ms"},
                                                          {"ACCESS_TOKEN_TTL", "300ms"},
                                                          {"CLOCK_LEEWAY", "0s"},
                                                          {"GC_INTERVAL", "100ms"}});
  HttpClient c(server.port());
  const std::string h = NewSessionHandle(c, server, "r");
  c.Send("DELETE", "/v1/sessions/" + h, "", server.Auth());
  ASSERT_EQ(Feed(c, server, 0).at("events").as_array().size(), 1u);
  boost::json::value feed;
  for (int i = 0; i < 50; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    feed = Feed(c, server, 0);
    if (feed.at("resync").as_bool()) break;
  }
  ASSERT_TRUE(feed.at("resync").as_bool());
  EXPECT_EQ(feed.at("last_seq").as_int64(), 1);
  const std::string h2 = NewSessionHandle(c, server, "r");
  c.Send("DELETE", "/v1/sessions/" + h2, "", server.Auth());
  feed = Feed(c, server, 0);
  ASSERT_TRUE(feed.at("resync").as_bool());
  EXPECT_EQ(feed.at("last_seq").as_int64(), 2);
  const auto& revoked = feed.at("snapshot").at("revoked_sessions").as_object();
  EXPECT_TRUE(revoked.contains(h2));
  EXPECT_FALSE(revoked.contains(h));  // aged out with its event: no token of it is unexpired
  // A subscriber that is up to date needs no resync.
  EXPECT_FALSE(Feed(c, server, 2).at("resync").as_bool());
  EXPECT_EQ(c.Send("GET", "/v1/revocations?after=-1", "", server.Auth()).status, 400);
  EXPECT_EQ(c.Send("GET", "/v1/revocations").status, 401);
}

// Retention shorter than a token lifetime would let a restart forget revocations: refused.
TEST(Feed, RetentionShorterThanATokenLifetimeIsRefused) {
  using Settings = std::map<std::string, std::string>;
  EXPECT_THROW(ServerProcess(Settings{{"EVENT_RETENTION", "10m"}, {"ACCESS_TOKEN_TTL", "10m"}}),
               std::runtime_error);  // the 5 s clock leeway is part of the lifetime
  EXPECT_NO_THROW(
      ServerProcess(Settings{{"EVENT_RETENTION", "605s"}, {"ACCESS_TOKEN_TTL", "10m"}}));
}

// Attack 18 of the hardening issue: a subscriber whose position is ahead of the head (the database
// was restored from a backup) is told to resync — in the catch-up form and on the stream — instead
// of waiting silently forever for seqs that will mean other events.
TEST(Feed, APositionAheadOfTheHeadIsToldToResync) {
  ServerProcess server;
  HttpClient c(server.port());
  const std::string h = NewSessionHandle(c, server, "r");
  ASSERT_EQ(c.Send("DELETE", "/v1/sessions/" + h, "", server.Auth()).status, 200);
  auto ahead = Feed(c, server, 1001);
  ASSERT_TRUE(ahead.at("resync").as_bool());
  EXPECT_EQ(ahead.at("last_seq").as_int64(), 1);
  EXPECT_TRUE(ahead.at("snapshot").at("revoked_sessions").as_object().contains(h));
  SseClient sse(server.port(), "/v1/revocations/stream",
                {{"Authorization", "Bearer " + server.api_key()}, {"Last-Event-ID", "1001"}});
  const auto records = sse.WaitForId(1, std::chrono::seconds(10));
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].event, "resync");
  EXPECT_EQ(records[0].id, 1);
  EXPECT_FALSE(Feed(c, server, 1).at("resync").as_bool());
}

// An event the server cannot decode (here: left in the log by a newer version that ran on this
// file before; while a server runs, no other process may open its SQLite file) is not dropped
// silently: it is counted in /metrics when the restarted server reads it, a subscriber whose
// backlog reaches it starts from a snapshot, a catch-up reader that reaches it gets a resync, and
// what came after it still arrives. (A subscriber that is live when such an event arrives is
// told to resync at once: revocation/feed/feed_test.cc.)
TEST(Feed, AnUndecodableEventMakesSubscribersResync) {
  ServerProcess before;  // owns the data directory; stopped before the foreign write
  std::string first;
  {
    HttpClient c(before.port());
    first = NewSessionHandle(c, before, "r");
    ASSERT_EQ(c.Send("DELETE", "/v1/sessions/" + first, "", before.Auth()).status, 200);
  }
  ASSERT_EQ(before.Stop(), 0);
  const std::string sql =
      "BEGIN; UPDATE counters SET value = value + 1 WHERE name = 'event_seq'; INSERT INTO events "
      "(seq, type, at, payload) SELECT value, 'from_a_newer_version', " +
      std::string(PostgresBackend() ? "CAST(extract(epoch FROM now()) AS BIGINT)"
                                    : "CAST(strftime('%s', 'now') AS INTEGER)") +
      " * 1000, '{}' FROM counters WHERE name = 'event_seq'; COMMIT;";
  const std::string insert =
      PostgresBackend()
          ? "psql -q '" + PostgresUrlFor(before.data_dir()) + "' -c \"" + sql + "\""
          : "sqlite3 -cmd '.timeout 5000' '" + before.data_dir() + "/gatehouse.db' \"" + sql + "\"";
  ASSERT_EQ(std::system(insert.c_str()), 0);
  ServerProcess server(std::map<std::string, std::string>{}, before.data_dir());
  HttpClient c(server.port());
  SseClient sse(server.port(), "/v1/revocations/stream?after=0", server.Auth());
  const std::string later = NewSessionHandle(c, server, "r");
  ASSERT_EQ(c.Send("DELETE", "/v1/sessions/" + later, "", server.Auth()).status, 200);

  // Its backlog reaches the hole, so it starts from a snapshot (which holds the first
  // revocation), then the later one arrives.
  const auto records = sse.WaitForId(3, std::chrono::seconds(10));
  ASSERT_GE(records.size(), 1u);
  EXPECT_EQ(records[0].event, "resync");
  EXPECT_GE(records[0].id, 2);
  EXPECT_NE(records[0].data.find(first), std::string::npos) << records[0].data;
  std::string after_hole;
  for (const auto& record : records) after_hole += record.data;
  EXPECT_NE(after_hole.find(later), std::string::npos);  // in the snapshot, or live after it
  EXPECT_EQ(records.back().id, 3);

  const std::string metrics = c.Send("GET", "/metrics").body;
  EXPECT_NE(metrics.find("feed_undecodable_events_total 1"), std::string::npos) << metrics;
  EXPECT_TRUE(Feed(c, server, 1).at("resync").as_bool());
  auto up_to = Feed(c, server, 0);
  EXPECT_FALSE(up_to.at("resync").as_bool());
  EXPECT_EQ(up_to.at("events").as_array().size(), 1u);  // up to the undecodable one
  auto rest = Feed(c, server, 2);
  ASSERT_EQ(rest.at("events").as_array().size(), 1u);
  EXPECT_EQ(Str(rest.at("events").as_array()[0], "session_handle"), later);
}

}  // namespace
}  // namespace gatehouse::testing
