// PostgreSQL stopped under load, then started again (issue: "PostgreSQL and many instances",
// failure behaviour). Runs under a server of its own (ctest: scripts/with-postgres around this
// binary alone), since it stops that server.
//
// While the database is down: `local` verification answers from memory until
// FEED_STALENESS_BOUND passes, then 503; `strict` verification and writes answer 503 with
// Retry-After; /readyz is not ready. Once it is back: every instance reconnects by itself, a
// revoke on one reaches the other, and a fresh instance rebuilt from the log reaches the same
// verdict for every token as the instances that lived through the outage.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"

namespace gatehouse::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;
using std::chrono::steady_clock;

std::string Env(const char* name) {
  const char* v = std::getenv(name);
  return v != nullptr ? v : "";
}

int PgCtl(const std::string& action) {
  std::string cmd =
      Env("PG_AS") + " '" + Env("PG_BIN") + "/pg_ctl' " + action + " -D '" + Env("PGDATA") + "' -w";
  if (action == "start") cmd += " -l '" + Env("PG_LOG") + "' -o '" + Env("PG_OPTIONS") + "'";
  if (action == "stop") cmd += " -m immediate";
  return std::system((cmd + " >/dev/null").c_str());
}

HttpResponse Call(ServerProcess& s, const std::string& method, const std::string& target,
                  const std::string& body = "") {
  HttpClient c(s.port());
  return c.Send(method, target, body, s.Auth());
}

HttpResponse Verify(ServerProcess& s, const std::string& token, const std::string& mode) {
  return Call(s, "POST", "/v1/sessions/verify",
              R"({"access_token":")" + token + R"(","mode":")" + mode + "\"}");
}

std::string Answer(const HttpResponse& r) {
  return r.status == 200 ? "ok" : Str(Json(r.body), "error");
}

bool Eventually(const std::function<bool()>& done, seconds limit) {
  const auto until = steady_clock::now() + limit;
  while (steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(milliseconds(50));
  }
  return done();
}

TEST(DatabaseOutage, InstancesServeFromMemoryThenRefuseThenRecover) {
  if (!PostgresBackend() || Env("PG_OPTIONS").empty()) {
    GTEST_SKIP() << "needs a PostgreSQL server of its own (scripts/with-postgres)";
  }
  const auto shared =
      std::filesystem::temp_directory_path() / ("gh-outage-" + std::to_string(::getpid()));
  std::filesystem::remove_all(shared);
  std::filesystem::create_directories(shared / "a");
  std::filesystem::create_directories(shared / "b");
  std::filesystem::create_directories(shared / "c");
  const std::string url = PostgresUrlFor(shared.string());
  const std::map<std::string, std::string> settings{
      {"DATABASE", url},
      {"MASTER_KEY_FILE", (shared / "master.key").string()},
      {"API_KEYS", "outage-test-api-key-0123456789abcdef"},
      {"FEED_STALENESS_BOUND", "2s"}};
  ServerProcess a(settings, (shared / "a").string());
  ServerProcess b(settings, (shared / "b").string());

  std::vector<std::string> tokens, handles;
  for (int i = 0; i < 6; ++i) {
    const auto s =
        Json(Call(a, "POST", "/v1/sessions", R"({"user_id":"u)" + std::to_string(i) + "\"}").body);
    tokens.push_back(Str(s.at("access_token"), "token"));
    handles.push_back(Str(s.at("session"), "handle"));
  }
  ASSERT_EQ(Call(b, "DELETE", "/v1/sessions/" + handles[0]).status, 200);
  ASSERT_TRUE(Eventually([&] { return Answer(Verify(a, tokens[0], "local")) == "unauthorised"; },
                         seconds(2)));

  // Load on both instances for the whole outage: verifies and creates. Nothing may crash.
  std::atomic<bool> stop{false};
  std::atomic<int> answered{0};
  std::vector<std::thread> load;
  for (ServerProcess* s : {&a, &b}) {
    load.emplace_back([&, s] {
      while (!stop.load()) {
        const int v = Verify(*s, tokens[1], "local").status;
        const int w = Call(*s, "POST", "/v1/sessions", R"({"user_id":"load"})").status;
        if (v > 0 && w > 0) answered.fetch_add(1);
      }
    });
  }

  ASSERT_EQ(PgCtl("stop"), 0);
  EXPECT_EQ(Answer(Verify(a, tokens[1], "local")), "ok");  // from memory, within the bound
  EXPECT_EQ(Answer(Verify(a, tokens[0], "local")), "unauthorised");
  const HttpResponse strict = Verify(a, tokens[1], "strict");
  EXPECT_EQ(strict.status, 503) << strict.body;
  const HttpResponse write = Call(b, "POST", "/v1/sessions", R"({"user_id":"late"})");
  EXPECT_EQ(write.status, 503) << write.body;
  EXPECT_TRUE(write.Header("retry-after").has_value());
  EXPECT_EQ(Str(Json(write.body), "error"), "unavailable");
  const HttpResponse ready = Call(a, "GET", "/readyz");
  EXPECT_EQ(ready.status, 503);
  // Clients are not told where the database is (libpq's message names host and port).
  for (const HttpResponse* r : {&write, &strict, &ready}) {
    EXPECT_EQ(r->body.find(Env("PG_PORT")), std::string::npos) << r->body;
  }
  // Past the staleness bound `local` refuses too: another instance's revocations could be
  // missing.
  EXPECT_TRUE(Eventually([&] { return Verify(a, tokens[1], "local").status == 503; }, seconds(5)));
  EXPECT_TRUE(Eventually([&] { return Verify(b, tokens[1], "local").status == 503; }, seconds(5)));

  ASSERT_EQ(PgCtl("start"), 0);
  for (ServerProcess* s : {&a, &b}) {
    EXPECT_TRUE(Eventually([&] { return Call(*s, "GET", "/readyz").status == 200; }, seconds(15)));
    EXPECT_TRUE(
        Eventually([&] { return Answer(Verify(*s, tokens[1], "local")) == "ok"; }, seconds(10)));
  }
  stop.store(true);
  for (auto& t : load) t.join();
  EXPECT_GT(answered.load(), 0);

  // After the outage: a revoke on B reaches A; writes work on both.
  ASSERT_EQ(Call(b, "DELETE", "/v1/sessions/" + handles[2]).status, 200);
  EXPECT_TRUE(Eventually([&] { return Answer(Verify(a, tokens[2], "local")) == "unauthorised"; },
                         seconds(2)));
  ASSERT_EQ(Call(a, "DELETE", "/v1/users/u3/sessions").status, 200);

  // A fresh instance rebuilds its state from the log: every verdict equals the survivors'.
  ServerProcess c(settings, (shared / "c").string());
  for (std::size_t i = 0; i < tokens.size(); ++i) {
    const std::string on_c = Answer(Verify(c, tokens[i], "local"));
    EXPECT_TRUE(
        Eventually([&] { return Answer(Verify(a, tokens[i], "local")) == on_c; }, seconds(2)))
        << "token " << i << ": C says " << on_c;
    EXPECT_EQ(Answer(Verify(b, tokens[i], "local")), on_c) << "token " << i;
    EXPECT_EQ(Answer(Verify(c, tokens[i], "strict")), on_c) << "token " << i;
  }
  std::filesystem::remove_all(shared);
}

}  // namespace
}  // namespace gatehouse::testing
