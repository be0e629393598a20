// Several `gatehouse serve` processes on one PostgreSQL database (issue: "PostgreSQL and many
// instances"): a change made on any instance holds on every other — `strict` at once, `local`
// as soon as the feed hears (NOTIFY, then a catch-up read by seq) — and each instance's event
// stream carries every instance's events in seq order. Runs only with a PostgreSQL server
// (make test: multi_instance_test_postgres).
#include <gtest/gtest.h>
#include <signal.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"
#include "tests/support/sse_client.h"

namespace gatehouse::testing {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

constexpr const char* kApiKey = "multi-instance-api-key-0123456789abcdef";

// N instances sharing one database, master key and API key, each with its own data directory.
class Instances {
 public:
  explicit Instances(int n) {
    shared_ = std::filesystem::temp_directory_path() /
              ("gh-multi-" + std::to_string(::getpid()) + "-" + std::to_string(counter_++));
    std::filesystem::remove_all(shared_);
    std::filesystem::create_directories(shared_);
    url_ = PostgresUrlFor(shared_.string());
    for (int i = 0; i < n; ++i) Start(i);
  }
  ~Instances() {
    servers_.clear();
    std::filesystem::remove_all(shared_);
  }
  ServerProcess& operator[](int i) { return *servers_.at(static_cast<std::size_t>(i)); }
  void Start(int i) {
    const auto dir = shared_ / ("instance-" + std::to_string(i));
    std::filesystem::create_directories(dir);
    auto server = std::make_unique<ServerProcess>(
        std::map<std::string, std::string>{{"DATABASE", url_},
                                           {"MASTER_KEY_FILE", (shared_ / "master.key").string()},
                                           {"API_KEYS", kApiKey}},
        dir.string());
    if (servers_.size() <= static_cast<std::size_t>(i)) servers_.resize(i + 1);
    servers_[static_cast<std::size_t>(i)] = std::move(server);
  }
  void Kill(int i) { servers_.at(static_cast<std::size_t>(i)).reset(); }

 private:
  static inline int counter_ = 0;
  std::filesystem::path shared_;
  std::string url_;
  std::vector<std::unique_ptr<ServerProcess>> servers_;
};

HttpResponse Call(ServerProcess& s, const std::string& method, const std::string& target,
                  const std::string& body = "") {
  HttpClient c(s.port());
  return c.Send(method, target, body, s.Auth());
}

std::string VerifyAnswer(ServerProcess& s, const std::string& token, const std::string& mode) {
  const HttpResponse r = Call(s, "POST", "/v1/sessions/verify",
                              R"({"access_token":")" + token + R"(","mode":")" + mode + "\"}");
  return r.status == 200 ? "ok" : Str(Json(r.body), "error");
}

// Polls until `s` answers `want` for `token` in local mode; returns how long that took.
milliseconds UntilLocal(ServerProcess& s, const std::string& token, const std::string& want) {
  const auto start = steady_clock::now();
  while (VerifyAnswer(s, token, "local") != want) {
    if (steady_clock::now() - start > std::chrono::seconds(5)) break;
  }
  return std::chrono::duration_cast<milliseconds>(steady_clock::now() - start);
}

std::int64_t LastSeq(ServerProcess& s) {
  const HttpResponse r = Call(s, "GET", "/v1/revocations?limit=1&after=9223372036854775807");
  return Json(r.body).at("last_seq").as_int64();
}

TEST(MultiInstance, ChangesOnAnyInstanceHoldOnEveryOther) {
  if (!PostgresBackend()) GTEST_SKIP() << "instances share a database on PostgreSQL";
  Instances db(3);
  ServerProcess& a = db[0];
  ServerProcess& b = db[1];
  ServerProcess& c = db[2];

  // Create on A, refresh on B: B knows A's signing key and session.
  const auto created = Json(Call(a, "POST", "/v1/sessions", R"({"user_id":"ada"})").body);
  const std::string handle = Str(created.at("session"), "handle");
  const HttpResponse refreshed =
      Call(b, "POST", "/v1/sessions/refresh",
           R"({"refresh_token":")" + Str(created.at("refresh_token"), "token") + "\"}");
  ASSERT_EQ(refreshed.status, 200) << refreshed.body;
  const std::string token = Str(Json(refreshed.body).at("access_token"), "token");
  for (ServerProcess* s : {&a, &b, &c}) {
    EXPECT_EQ(VerifyAnswer(*s, token, "local"), "ok");
    EXPECT_EQ(VerifyAnswer(*s, token, "strict"), "ok");
  }

  // A stream on B from the current position: it must carry C's events.
  const std::int64_t from = LastSeq(b);
  SseClient stream(b.port(), "/v1/revocations/stream?after=" + std::to_string(from), b.Auth());

  // Revoke on C: strict on A and B refuses at once, local as soon as each feed hears.
  ASSERT_EQ(Call(c, "DELETE", "/v1/sessions/" + handle).status, 200);
  EXPECT_EQ(VerifyAnswer(a, token, "strict"), "unauthorised");
  EXPECT_EQ(VerifyAnswer(b, token, "strict"), "unauthorised");
  const milliseconds on_a = UntilLocal(a, token, "unauthorised");
  const milliseconds on_b = UntilLocal(b, token, "unauthorised");
  EXPECT_LT(on_a.count(), 2000) << "local verify on A still accepted a token C revoked";
  EXPECT_LT(on_b.count(), 2000);
  RecordProperty("revoke_on_c_refused_local_on_a_ms", static_cast<int>(on_a.count()));

  // A role change on A reaches B's verify of a live token as try_refresh_token.
  const auto other = Json(Call(b, "POST", "/v1/sessions", R"({"user_id":"bob"})").body);
  const std::string bobs = Str(other.at("access_token"), "token");
  ASSERT_EQ(Call(a, "PUT", "/v1/roles/editor", R"({"permissions":["doc:write"]})").status, 200);
  ASSERT_EQ(Call(a, "PUT", "/v1/users/bob/roles/editor").status, 200);
  EXPECT_EQ(VerifyAnswer(b, bobs, "strict"), "try_refresh_token");
  EXPECT_LT(UntilLocal(b, bobs, "try_refresh_token").count(), 2000);

  // B's stream: C's revocation and A's claims change, in seq order, none missing.
  const std::int64_t last = LastSeq(a);
  const auto records = stream.WaitForId(last, std::chrono::seconds(5));
  std::vector<long> ids;
  bool saw_revocation = false;
  for (const auto& r : records) {
    if (r.id == 0) continue;
    ids.push_back(r.id);
    if (r.event == "session_revoked" && r.data.find(handle) != std::string::npos) {
      saw_revocation = true;
    }
  }
  EXPECT_TRUE(saw_revocation) << stream.text();
  ASSERT_FALSE(ids.empty());
  for (std::size_t i = 0; i < ids.size(); ++i) {
    EXPECT_EQ(ids[i], from + 1 + static_cast<long>(i)) << "gap or disorder at " << i;
  }
  EXPECT_EQ(ids.back(), last);
}

// One refresh token presented to two instances at once, many times: the rotation table's answer
// holds across processes — exactly one refresh of each pair returns a new token when both are
// first uses, never a theft verdict for a legitimate race inside the grace period, and the
// session is never left without its committed token.
TEST(MultiInstance, ConcurrentRefreshOfOneTokenOnTwoInstances) {
  if (!PostgresBackend()) GTEST_SKIP() << "instances share a database on PostgreSQL";
  Instances db(2);
  for (int round = 0; round < 20; ++round) {
    const auto created = Json(Call(db[0], "POST", "/v1/sessions", R"({"user_id":"race"})").body);
    const std::string refresh = Str(created.at("refresh_token"), "token");
    HttpResponse answers[2];
    std::thread t0([&] {
      answers[0] =
          Call(db[0], "POST", "/v1/sessions/refresh", R"({"refresh_token":")" + refresh + "\"}");
    });
    std::thread t1([&] {
      answers[1] =
          Call(db[1], "POST", "/v1/sessions/refresh", R"({"refresh_token":")" + refresh + "\"}");
    });
    t0.join();
    t1.join();
    // Both are first uses of the committed token within the grace period: both succeed (the
    // second gets a sibling pending token), and neither is a theft.
    for (const HttpResponse& r : answers) {
      ASSERT_EQ(r.status, 200) << "round " << round << ": " << r.body;
    }
    // Each answer's refresh token works once more (it is a pending child, promoted by use), and
    // the session stays live: no lost pending child, no false theft.
    const std::string first = Str(Json(answers[0].body).at("refresh_token"), "token");
    const HttpResponse again =
        Call(db[1], "POST", "/v1/sessions/refresh", R"({"refresh_token":")" + first + "\"}");
    EXPECT_EQ(again.status, 200) << "round " << round << ": " << again.body;
    // The other answer's token is now a sibling of the committed one, inside the grace period.
    const std::string second = Str(Json(answers[1].body).at("refresh_token"), "token");
    const HttpResponse sibling =
        Call(db[0], "POST", "/v1/sessions/refresh", R"({"refresh_token":")" + second + "\"}");
    EXPECT_EQ(sibling.status, 200) << "round " << round << ": " << sibling.body;
  }
}

// kill -9 of one instance under load: the others keep serving, and nothing any instance
// acknowledged is lost — every acknowledged session verifies (strict) on the survivors, every
// acknowledged revoke is refused there, strict and local.
TEST(MultiInstance, KillingOneInstanceUnderLoadLosesNothingAcknowledged) {
  if (!PostgresBackend()) GTEST_SKIP() << "instances share a database on PostgreSQL";
  Instances db(3);
  struct Acked {
    std::string token, handle;
    bool revoked = false;
    bool unknown = false;  // a revoke was sent and its answer lost: either outcome is right
  };
  std::mutex mu;
  std::vector<Acked> acked;  // guarded by mu
  std::atomic<bool> stop{false};
  std::vector<std::thread> load;
  for (int i = 0; i < 3; ++i) {
    load.emplace_back([&, i] {
      HttpClient c(db[i].port());
      for (int n = 0; !stop.load(); ++n) {
        const HttpResponse made = c.Send(
            "POST", "/v1/sessions", R"({"user_id":"k)" + std::to_string(i) + "\"}", db[i].Auth());
        if (made.status != 201) continue;  // refused or cut off: not acknowledged
        const auto s = Json(made.body);
        Acked a{Str(s.at("access_token"), "token"), Str(s.at("session"), "handle")};
        if (n % 2 == 0) {
          const int status = c.Send("DELETE", "/v1/sessions/" + a.handle, "", db[i].Auth()).status;
          a.revoked = status == 200;
          a.unknown = status == 0;  // the instance died with the request in flight
        }
        std::lock_guard lock(mu);
        acked.push_back(std::move(a));
      }
    });
  }
  std::this_thread::sleep_for(milliseconds(800));
  ASSERT_EQ(::kill(db[1].pid(), SIGKILL), 0);
  std::this_thread::sleep_for(milliseconds(800));
  stop.store(true);
  for (auto& t : load) t.join();
  ASSERT_GT(acked.size(), 20u);
  for (int survivor : {0, 2}) {
    ServerProcess& s = db[survivor];
    for (const Acked& a : acked) {
      if (a.unknown) continue;
      const std::string want = a.revoked ? "unauthorised" : "ok";
      EXPECT_EQ(VerifyAnswer(s, a.token, "strict"), want) << a.handle << " on " << survivor;
      EXPECT_LT(UntilLocal(s, a.token, want).count(), 2000) << a.handle;
    }
  }
}

// The sign-in throttle is one limit for all instances: 10 wrong passwords spread over three
// instances lock the account on every one of them (even for the right password).
TEST(MultiInstance, TheSigninThrottleHoldsAcrossInstances) {
  if (!PostgresBackend()) GTEST_SKIP() << "instances share a database on PostgreSQL";
  Instances db(3);
  const std::vector<std::pair<std::string, std::string>> csrf{{"X-Gatehouse-CSRF", "1"}};
  HttpClient signup(db[0].port());
  ASSERT_EQ(signup
                .Send("POST", "/v1/auth/signup",
                      R"({"email":"t@example.com","password":"correct horse battery"})", csrf)
                .status,
            201);
  auto signin = [&](int i, const std::string& password) {
    HttpClient c(db[i].port());
    return c.Send("POST", "/v1/auth/signin",
                  R"({"email":"t@example.com","password":")" + password + "\"}", csrf);
  };
  for (int attempt = 0; attempt < 10; ++attempt) {
    const HttpResponse r = signin(attempt % 3, "wrong password " + std::to_string(attempt));
    ASSERT_EQ(r.status, 401) << "attempt " << attempt << ": " << r.body;
  }
  for (int i = 0; i < 3; ++i) {
    const HttpResponse r = signin(i, "correct horse battery");
    EXPECT_EQ(r.status, 429) << "instance " << i << ": " << r.body;
    EXPECT_TRUE(r.Header("retry-after").has_value());
  }
}

// Signing keys live in the database: a key made on one instance verifies on every other, and
// after an emergency rotation (revoke_previous) on A, no instance signs with a revoked key.
TEST(MultiInstance, KeyRotationOnOneInstanceReachesTheOthers) {
  if (!PostgresBackend()) GTEST_SKIP() << "instances share a database on PostgreSQL";
  Instances db(2);
  ServerProcess& a = db[0];
  ServerProcess& b = db[1];
  ASSERT_EQ(Call(a, "POST", "/v1/keys/rotate", "{}").status, 200);
  const auto on_a = Json(Call(a, "POST", "/v1/sessions", R"({"user_id":"k"})").body);
  const std::string new_key_token = Str(on_a.at("access_token"), "token");
  EXPECT_EQ(VerifyAnswer(b, new_key_token, "local"), "ok") << "B does not know A's new key";
  EXPECT_EQ(VerifyAnswer(b, new_key_token, "strict"), "ok");

  ASSERT_EQ(Call(a, "POST", "/v1/keys/rotate", R"({"revoke_previous":true})").status, 200);
  const auto on_b = Json(Call(b, "POST", "/v1/sessions", R"({"user_id":"k2"})").body);
  const std::string after_revoke = Str(on_b.at("access_token"), "token");
  EXPECT_EQ(VerifyAnswer(a, after_revoke, "local"), "ok") << "B signed with a revoked key";
  EXPECT_EQ(VerifyAnswer(b, after_revoke, "local"), "ok");
  EXPECT_EQ(VerifyAnswer(b, new_key_token, "local"), "try_refresh_token");
}

}  // namespace
}  // namespace gatehouse::testing
