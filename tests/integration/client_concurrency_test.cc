// The client library under concurrent use (also run under ThreadSanitizer: `make tsan` runs it
// against the debug server): four threads verify while the server revokes, grants roles, rotates
// keys with revoke_previous and the library refetches the JWKS; afterwards every verdict equals
// the server's `local` verdict.
#include <gatehouse/client.h>
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <string>
#include <thread>
#include <vector>

#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"

namespace gatehouse::testing {
namespace {

using client::Outcome;
using std::chrono::milliseconds;
using std::chrono::seconds;

TEST(ClientConcurrency, VerifiesFromManyThreadsWhileTheStateAndKeysChange) {
  ServerProcess server(std::map<std::string, std::string>{{"ISSUER", "https://gh.concurrency"}});
  HttpClient api(server.port());
  auto verifier =
      client::Verifier::Start({.server_url = "http://127.0.0.1:" + std::to_string(server.port()),
                               .api_key = server.api_key(),
                               .issuer = "https://gh.concurrency"});
  ASSERT_TRUE(verifier->WaitReady(seconds(20)));
  struct Made {
    std::string token, handle;
  };
  auto make = [&](int i) {
    const boost::json::value v =
        Json(api.Send("POST", "/v1/sessions", R"({"user_id":"c)" + std::to_string(i % 5) + "\"}",
                      server.Auth())
                 .body);
    return Made{Str(v.at("access_token"), "token"), Str(v.at("session"), "handle")};
  };
  std::vector<Made> made;
  for (int i = 0; i < 30; ++i) made.push_back(make(i));
  std::vector<std::string> tokens;
  for (const Made& m : made) tokens.push_back(m.token);

  std::atomic<bool> stop{false};
  std::atomic<long> verified{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (std::size_t i = t; !stop; i += 7) {
        (void)verifier->Verify(tokens[i % tokens.size()]);
        (void)verifier->Status();
        verified.fetch_add(1);
      }
    });
  }
  ASSERT_EQ(api.Send("PUT", "/v1/roles/r", R"({"permissions":["p:q"]})", server.Auth()).status,
            200);
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(api.Send("DELETE", "/v1/sessions/" + made[i].handle, "", server.Auth()).status, 200);
    EXPECT_EQ(api.Send("PUT", "/v1/users/c" + std::to_string(i % 5) + "/roles/r", "", server.Auth())
                  .status,
              200);
    if (i == 5) {
      EXPECT_EQ(
          api.Send("POST", "/v1/keys/rotate", R"({"revoke_previous":true})", server.Auth()).status,
          200);
    }
  }
  std::vector<Made> later;
  for (int i = 0; i < 5; ++i) later.push_back(make(100 + i));  // the new key: a JWKS refetch
  std::this_thread::sleep_for(milliseconds(300));
  stop = true;
  for (auto& thread : threads) thread.join();
  EXPECT_GT(verified.load(), 0);

  const std::int64_t head = Json(api.Send("GET", "/v1/revocations?limit=1", "", server.Auth()).body)
                                .at("last_seq")
                                .as_int64();
  for (int i = 0; i < 200 && verifier->Status().seq < head; ++i) {
    std::this_thread::sleep_for(milliseconds(10));
  }
  for (const auto& list : {made, later}) {
    for (const Made& m : list) {
      const auto r =
          api.Send("POST", "/v1/sessions/verify",
                   R"({"mode":"local","access_token":")" + m.token + "\"}", server.Auth());
      const std::string theirs = r.status == 200 ? "valid" : Str(Json(r.body), "error");
      EXPECT_EQ(client::OutcomeName(verifier->Verify(m.token).outcome), theirs) << m.handle;
    }
  }
}

}  // namespace
}  // namespace gatehouse::testing
