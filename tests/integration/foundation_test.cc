// The foundation as a user meets it: `gatehouse serve` starts on port 0, answers /healthz and the
// JWKS, keeps its keys across restarts (sealed with a master key created 0600), and stops cleanly
// on SIGTERM.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <filesystem>

#include "tests/support/command.h"
#include "tests/support/http_client.h"
#include "tests/support/json.h"
#include "tests/support/server_process.h"

namespace gatehouse::testing {
namespace {

TEST(Foundation, ServesHealthAndJwks) {
  ServerProcess server;
  HttpClient client(server.port());
  HttpResponse health = client.Send("GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(Str(Json(health.body), "status"), "ok");
  EXPECT_EQ(health.Header("content-type").value_or(""), "application/json");
  EXPECT_EQ(health.Header("x-content-type-options").value_or(""), "nosniff");
  EXPECT_EQ(client.Send("GET", "/readyz").status, 200);

  HttpResponse jwks = client.Send("GET", "/.well-known/jwks.json");
  ASSERT_EQ(jwks.status, 200);
  auto keys = Json(jwks.body).at("keys").as_array();
  ASSERT_EQ(keys.size(), 1u);
  EXPECT_EQ(Str(keys[0], "kty"), "OKP");
  EXPECT_EQ(Str(keys[0], "crv"), "Ed25519");
  EXPECT_EQ(Str(keys[0], "alg"), "EdDSA");
  EXPECT_EQ(Str(keys[0], "use"), "sig");
  EXPECT_FALSE(keys[0].as_object().contains("d"));
}

TEST(Foundation, KeysSurviveRestartAndSecretsAreOwnerOnly) {
  std::string kid;
  std::string dir;
  {
    ServerProcess first;
    dir = first.data_dir();
    HttpClient client(first.port());
    kid = Str(Json(client.Send("GET", "/.well-known/jwks.json").body).at("keys").at(0), "kid");
    EXPECT_FALSE(kid.empty());
    struct stat st {};
    ASSERT_EQ(::stat((dir + "/master.key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    ASSERT_EQ(::stat((dir + "/api-key").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    const int status = first.Stop();
    EXPECT_TRUE(WIFEXITED(status));
    EXPECT_EQ(WEXITSTATUS(status), 0);
    ServerProcess second({}, dir);
    HttpClient again(second.port());
    EXPECT_EQ(Str(Json(again.Send("GET", "/.well-known/jwks.json").body).at("keys").at(0), "kid"),
              kid);
  }
  std::filesystem::remove_all(dir);
}

TEST(Foundation, OtherAlgorithms) {
  for (const char* alg : {"ES256", "RS256"}) {
    ServerProcess server(std::map<std::string, std::string>{{"SIGNING_ALG", alg}});
    HttpClient client(server.port());
    auto keys = Json(client.Send("GET", "/.well-known/jwks.json").body).at("keys").as_array();
    ASSERT_EQ(keys.size(), 1u);
    EXPECT_EQ(Str(keys[0], "alg"), alg);
  }
}

TEST(Foundation, BadConfigurationIsAClearError) {
  EXPECT_THROW(ServerProcess(std::map<std::string, std::string>{{"ACCESS_TOKEN_TTL", "ten"}}),
               std::runtime_error);
}

// A second server on a running one's SQLite file would keep its own revocation state and never
// hear of the first one's revocations: it is refused at start, saying why, and the first one
// goes on serving writes.
TEST(Foundation, ASecondServerOnTheSameSqliteFileIsRefused) {
  ServerProcess first;
  const CommandResult second =
      RunCommand({GatehouseBinary(), "serve", "--listen", "127.0.0.1:0", "--data-dir",
                  first.data_dir(), "--api-keys", "second-server-key-0123456789"});
  EXPECT_NE(second.exit_code, 0) << second.output;
  EXPECT_NE(second.output.find("in use by another process"), std::string::npos) << second.output;
  HttpClient c(first.port());
  EXPECT_EQ(c.Send("POST", "/v1/sessions", R"({"user_id":"still-mine"})", first.Auth()).status,
            201);
}

}  // namespace
}  // namespace gatehouse::testing
