// The C++ client library against the real server in another process: its verdicts equal the
// server's `local` verify at the same feed position, for a random mix of live, revoked, banned,
// role-changed, key-revoked and expired tokens; a revoke reaches it at once; it fails closed when
// the server is gone past the staleness bound and recovers when it returns; it starts from a
// resync snapshot when the log was pruned past it.
#include <gatehouse/client.h>
#include <gtest/gtest.h>
#include <signal.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <map>
#include <memory>
#include <random>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/command.h"
#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"

namespace gatehouse::testing {
namespace {

using client::Outcome;
using client::Verifier;
using std::chrono::milliseconds;
using std::chrono::seconds;
using SteadyClock = std::chrono::steady_clock;

constexpr char kIssuer[] = "https://gh.client-test";

std::map<std::string, std::string> Settings(std::map<std::string, std::string> extra = {}) {
  extra.emplace("ISSUER", kIssuer);
  extra.emplace("ARGON2_MEMORY_KIB", "1024");
  extra.emplace("ARGON2_ITERATIONS", "1");
  return extra;
}

// The library's settings match the server's (issuer, leeway), as an application's must.
std::unique_ptr<Verifier> StartVerifier(const ServerProcess& server,
                                        milliseconds bound = milliseconds(5000),
                                        milliseconds leeway = milliseconds(5000)) {
  return Verifier::Start({.server_url = "http://127.0.0.1:" + std::to_string(server.port()),
                          .api_key = server.api_key(),
                          .staleness_bound = bound,
                          .issuer = kIssuer,
                          .clock_leeway = leeway});
}

// A directory under /tmp, removed with everything in it when the test ends.
struct TempDir {
  explicit TempDir(const std::string& prefix)
      : path(std::filesystem::temp_directory_path() / (prefix + std::to_string(::getpid()))) {
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::filesystem::path path;
};

struct Token {
  std::string access, handle, user;
};

class Api {
 public:
  explicit Api(const ServerProcess& server) : server_(server), http_(server.port()) {}

  HttpResponse Send(const std::string& method, const std::string& path,
                    const std::string& body = "") {
    return http_.Send(method, path, body, server_.Auth());
  }
  std::string NewUser(const std::string& email) {
    const HttpResponse r = Send("POST", "/v1/users",
                                R"({"email":")" + email + R"(","password":"a long password 77"})");
    EXPECT_EQ(r.status, 201) << r.body;
    return Str(Json(r.body).at("user"), "id");
  }
  Token NewSession(const std::string& user) {
    const HttpResponse r = Send("POST", "/v1/sessions", R"({"user_id":")" + user + "\"}");
    EXPECT_EQ(r.status, 201) << r.body;
    const boost::json::value v = Json(r.body);
    return {Str(v.at("access_token"), "token"), Str(v.at("session"), "handle"), user};
  }
  // The server's `local` verdict, in the library's names.
  std::string Verdict(const std::string& token) {
    const HttpResponse r =
        Send("POST", "/v1/sessions/verify", R"({"mode":"local","access_token":")" + token + "\"}");
    if (r.status == 200) return "valid";
    EXPECT_EQ(r.status, 401) << r.body;
    return Str(Json(r.body), "error");
  }
  std::int64_t Head() {
    return Json(Send("GET", "/v1/revocations?limit=1").body).at("last_seq").as_int64();
  }

 private:
  const ServerProcess& server_;
  HttpClient http_;
};

// Waits until the library has applied everything the server has logged.
void CatchUp(Verifier& verifier, Api& api) {
  const std::int64_t head = api.Head();
  const auto deadline = SteadyClock::now() + seconds(10);
  while (verifier.Status().seq < head && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(5));
  }
  ASSERT_GE(verifier.Status().seq, head);
}

void ExpectSameVerdicts(Verifier& verifier, Api& api, const std::vector<Token>& tokens,
                        std::map<std::string, int>& seen) {
  CatchUp(verifier, api);
  for (const Token& t : tokens) {
    const client::Verdict mine = verifier.Verify(t.access);
    const std::string theirs = api.Verdict(t.access);
    EXPECT_EQ(client::OutcomeName(mine.outcome), theirs) << t.handle;
    ++seen[theirs];
    if (mine.outcome == Outcome::kValid) {
      EXPECT_EQ(mine.user_id, t.user);
      EXPECT_EQ(mine.session_handle, t.handle);
      EXPECT_NE(mine.claims_json.find("\"iss\":\"" + std::string(kIssuer) + "\""),
                std::string::npos);
    }
  }
}

TEST(ClientLibrary, VerdictsEqualTheServersLocalVerify) {
  ServerProcess server(Settings({{"ACCESS_TOKEN_TTL", "5s"}, {"CLOCK_LEEWAY", "0s"}}));
  Api api(server);
  auto verifier = StartVerifier(server, milliseconds(5000), milliseconds(0));
  ASSERT_TRUE(verifier->WaitReady(seconds(10)));

  std::mt19937 random(20261203);
  std::vector<std::string> users;
  for (int i = 0; i < 8; ++i) users.push_back(api.NewUser("u" + std::to_string(i) + "@x.test"));
  std::vector<Token> tokens;
  std::set<std::string> banned;  // no new session for them
  auto mint = [&](int n) {
    for (int i = 0; i < n; ++i) {
      const std::string& user = users[random() % users.size()];
      if (!banned.contains(user)) tokens.push_back(api.NewSession(user));
    }
  };
  mint(12);
  std::this_thread::sleep_for(milliseconds(5200));  // these are expired now
  mint(40);
  ASSERT_EQ(api.Send("PUT", "/v1/roles/editor", R"({"permissions":["doc:edit"]})").status, 200);
  for (int round = 0; round < 25; ++round) {
    const Token& t = tokens[random() % tokens.size()];
    switch (random() % 4) {
      case 0:
        EXPECT_EQ(api.Send("DELETE", "/v1/sessions/" + t.handle).status, 200);
        break;
      case 1:
        EXPECT_EQ(api.Send("PUT", "/v1/users/" + t.user + "/roles/editor").status, 200);
        break;
      case 2:
        EXPECT_EQ(api.Send("POST", "/v1/users/" + t.user + "/ban", "{}").status, 200);
        banned.insert(t.user);
        break;
      default:
        mint(1);  // a token after the changes so far
        break;
    }
  }
  std::map<std::string, int> seen;
  ExpectSameVerdicts(*verifier, api, tokens, seen);
  // A key rotated with revoke_previous: every earlier token answers try_refresh_token; tokens of
  // the new key (unknown to the library until it refetches the JWKS) are valid at once.
  ASSERT_EQ(api.Send("POST", "/v1/keys/rotate", R"({"revoke_previous":true})").status, 200);
  std::vector<std::string> fresh_users = {api.NewUser("after-rotation@x.test")};
  users = fresh_users;
  mint(5);
  ExpectSameVerdicts(*verifier, api, tokens, seen);
  EXPECT_GT(seen["valid"], 0);
  EXPECT_GT(seen["unauthorised"], 0);
  EXPECT_GT(seen["try_refresh_token"], 0);
  EXPECT_GE(verifier->Status().jwks_fetches, 2u);
  // A forged token and garbage are refused alike.
  const std::string forged =
      tokens.back().access.substr(0, tokens.back().access.size() - 4) + "AAAA";
  EXPECT_EQ(verifier->Verify(forged).outcome, Outcome::kUnauthorised);
  EXPECT_EQ(verifier->Verify("not a token").outcome, Outcome::kUnauthorised);
}

TEST(ClientLibrary, ARevokeIsRefusedAtOnce) {
  ServerProcess server(Settings());
  Api api(server);
  auto verifier = StartVerifier(server);
  ASSERT_TRUE(verifier->WaitReady(seconds(10)));
  for (int i = 0; i < 20; ++i) {
    const Token t = api.NewSession("prompt-" + std::to_string(i));
    ASSERT_EQ(verifier->Verify(t.access).outcome, Outcome::kValid);
    ASSERT_EQ(api.Send("DELETE", "/v1/sessions/" + t.handle).status, 200);
    const auto revoked = SteadyClock::now();
    while (verifier->Verify(t.access).outcome == Outcome::kValid &&
           SteadyClock::now() - revoked < seconds(1)) {
      std::this_thread::yield();
    }
    EXPECT_EQ(verifier->Verify(t.access).outcome, Outcome::kUnauthorised)
        << "still accepted 1 s after the revoke returned";
  }
}

// A key rotated in just after a JWKS fetch (here one that a made-up kid asked for): the new key's
// tokens are valid at once, not refused until the next periodic fetch.
TEST(ClientLibrary, ANewKeyRightAfterAFetchIsStillPickedUp) {
  ServerProcess server(Settings());
  Api api(server);
  auto verifier = StartVerifier(server);
  ASSERT_TRUE(verifier->WaitReady(seconds(10)));
  const Token old_key = api.NewSession("rotating");
  ASSERT_EQ(verifier->Verify(old_key.access).outcome, Outcome::kValid);
  const std::string made_up =
      "eyJhbGciOiJFZERTQSIsImtpZCI6Im5vLXN1Y2gta2V5IiwidHlwIjoiYXQrand0In0"
      ".eyJzdWIiOiJ4In0.AAAA";
  EXPECT_EQ(verifier->Verify(made_up).outcome, Outcome::kUnauthorised);
  const std::uint64_t fetches = verifier->Status().jwks_fetches;
  EXPECT_GE(fetches, 2u) << "the made-up kid asked for the JWKS";
  ASSERT_EQ(api.Send("POST", "/v1/keys/rotate", "{}").status, 200);
  const Token new_key = api.NewSession("rotating");
  EXPECT_EQ(verifier->Verify(new_key.access).outcome, Outcome::kValid);
  EXPECT_EQ(verifier->Verify(old_key.access).outcome, Outcome::kValid) << "retired, not revoked";
}

TEST(ClientLibrary, FailsClosedWhileTheServerIsGoneAndRecoversWithoutARestart) {
  const milliseconds bound(2000);
  // A data directory of the test's own: a ServerProcess removes only the one it made.
  const TempDir dir("gh-client-");
  const std::filesystem::path& data_dir = dir.path;
  auto server = std::make_unique<ServerProcess>(Settings(), data_dir.string());
  const int port = server->port();
  Api api(*server);
  const Token t = api.NewSession("steady");
  auto verifier = StartVerifier(*server, bound);
  ASSERT_TRUE(verifier->WaitReady(seconds(10)));
  ASSERT_EQ(verifier->Verify(t.access).outcome, Outcome::kValid);

  ASSERT_EQ(::kill(server->pid(), SIGKILL), 0);
  const auto killed = SteadyClock::now();
  while (verifier->Verify(t.access).outcome == Outcome::kValid &&
         SteadyClock::now() - killed < bound + seconds(3)) {
    std::this_thread::sleep_for(milliseconds(20));
  }
  const auto silent_for = SteadyClock::now() - killed;
  EXPECT_EQ(verifier->Verify(t.access).outcome, Outcome::kUnavailable);
  EXPECT_GE(silent_for, bound - milliseconds(1200)) << "failed closed before the bound";
  EXPECT_LE(silent_for, bound + milliseconds(1500));
  EXPECT_FALSE(verifier->Status().ready);

  // The same data directory on the same port: the library reconnects, catches up, and serves.
  server.reset();  // reaps the killed process
  auto back = std::make_unique<ServerProcess>(
      Settings({{"LISTEN", "127.0.0.1:" + std::to_string(port)}}), data_dir.string());
  Api again(*back);
  const Token later = again.NewSession("steady");
  ASSERT_EQ(again.Send("DELETE", "/v1/sessions/" + later.handle).status, 200);
  ASSERT_TRUE(verifier->WaitReady(seconds(10)));
  CatchUp(*verifier, again);
  EXPECT_EQ(verifier->Verify(t.access).outcome, Outcome::kValid);
  EXPECT_EQ(verifier->Verify(later.access).outcome, Outcome::kUnauthorised);
  EXPECT_GE(verifier->Status().reconnects, 1u);
}

TEST(ClientLibrary, StartsFromASnapshotWhenTheLogWasPrunedPastIt) {
  ServerProcess server(Settings({{"EVENT_RETENTION", "2s"},
                                 {"ACCESS_TOKEN_TTL", "2s"},
                                 {"CLOCK_LEEWAY", "0s"},
                                 {"GC_INTERVAL", "100ms"}}));
  Api api(server);
  ASSERT_EQ(api.Send("DELETE", "/v1/sessions/" + api.NewSession("old").handle).status, 200);
  bool pruned = false;
  for (int i = 0; i < 50 && !pruned; ++i) {
    std::this_thread::sleep_for(milliseconds(100));
    pruned = Json(api.Send("GET", "/v1/revocations?after=0").body).at("resync").as_bool();
  }
  ASSERT_TRUE(pruned);
  auto verifier = StartVerifier(server, milliseconds(5000), milliseconds(0));
  ASSERT_TRUE(verifier->WaitReady(seconds(10)));
  EXPECT_EQ(verifier->Status().resyncs, 1u);
  EXPECT_GE(verifier->Status().seq, 1);
  // Live after the snapshot: a new session's revoke reaches it.
  const Token t = api.NewSession("new");
  EXPECT_EQ(verifier->Verify(t.access).outcome, Outcome::kValid);
  ASSERT_EQ(api.Send("DELETE", "/v1/sessions/" + t.handle).status, 200);
  CatchUp(*verifier, api);
  EXPECT_EQ(verifier->Verify(t.access).outcome, Outcome::kUnauthorised);
}

// Over HTTPS served by Gatehouse itself: the certificate is checked (chain and IP address), so
// a library that does not trust it never becomes ready; one given the CA verifies and hears
// revokes.
TEST(ClientLibrary, FollowsAnHttpsServerItTrustsAndRefusesOneItDoesNot) {
  const TempDir dir("gh-client-tls-");
  const std::string crt = (dir.path / "server.crt").string();
  const std::string key = (dir.path / "server.key").string();
  const CommandResult made = RunCommand(
      {"openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
       "-nodes", "-days", "2", "-subj", "/CN=gatehouse-client-test", "-addext",
       "subjectAltName=IP:127.0.0.1", "-keyout", key, "-out", crt});
  ASSERT_EQ(made.exit_code, 0) << made.output;
  ServerProcess server(Settings({{"TLS_CERT_FILE", crt}, {"TLS_KEY_FILE", key}}));
  const std::string url = "https://127.0.0.1:" + std::to_string(server.port());
  auto curl = [&](const std::string& method, const std::string& path, const std::string& body) {
    std::vector<std::string> argv = {
        "curl", "-sS", "--max-time", "10", "--cacert",
        crt,    "-X",  method,       "-H", "Authorization: Bearer " + server.api_key()};
    if (!body.empty()) {
      argv.insert(argv.end(), {"-H", "Content-Type: application/json", "--data", body});
    }
    argv.push_back(url + path);
    return RunCommand(argv);
  };
  const CommandResult session = curl("POST", "/v1/sessions", R"({"user_id":"tls-user"})");
  ASSERT_EQ(session.exit_code, 0) << session.output;
  const boost::json::value s = Json(session.output);
  const std::string token = Str(s.at("access_token"), "token");

  auto untrusting =
      Verifier::Start({.server_url = url, .api_key = server.api_key(), .issuer = kIssuer});
  auto trusting = Verifier::Start(
      {.server_url = url, .api_key = server.api_key(), .issuer = kIssuer, .ca_file = crt});
  ASSERT_TRUE(trusting->WaitReady(seconds(10)));
  EXPECT_EQ(trusting->Verify(token).outcome, Outcome::kValid);
  EXPECT_FALSE(untrusting->WaitReady(seconds(2))) << "accepted a certificate it does not trust";
  EXPECT_EQ(untrusting->Verify(token).outcome, Outcome::kUnavailable);

  const CommandResult revoked =
      curl("DELETE", "/v1/sessions/" + Str(s.at("session"), "handle"), "");
  ASSERT_EQ(revoked.exit_code, 0) << revoked.output;
  const auto deadline = SteadyClock::now() + seconds(1);
  while (trusting->Verify(token).outcome == Outcome::kValid && SteadyClock::now() < deadline) {
    std::this_thread::sleep_for(milliseconds(1));
  }
  EXPECT_EQ(trusting->Verify(token).outcome, Outcome::kUnauthorised);
  EXPECT_THROW(Verifier::Start({.server_url = "ftp://x"}), std::invalid_argument);
}

}  // namespace
}  // namespace gatehouse::testing
