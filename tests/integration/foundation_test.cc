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
  if (PostgresBackend()) GTEST_SKIP() << "instances share a PostgreSQL database by design";
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

// The first admin, as the README has a new user make one: `gatehouse users create --admin` on a
// stopped server's directory (password on stdin), then sign-in and the backend API with that
// session. The command refuses bad input clearly, and a running server's file.
TEST(Foundation, UsersCreateMakesTheFirstAdmin) {
  if (PostgresBackend()) GTEST_SKIP() << "the command and its busy check use the directory's file";
  const std::string dir =
      (std::filesystem::temp_directory_path() / ("gh-cli-" + std::to_string(::getpid()))).string();
  std::filesystem::remove_all(dir);
  auto create = [&](const std::string& password, const std::string& email, bool admin) {
    std::string cmd = "printf '%s\\n' '" + password + "' | '" + GatehouseBinary() +
                      "' users create --email '" + email + "' --data-dir '" + dir + "'" +
                      (admin ? " --admin" : "");
    return RunCommand({"sh", "-c", cmd});
  };
  const CommandResult made = create("first admin password", "Boss@Example.com", true);
  ASSERT_EQ(made.exit_code, 0) << made.output;
  EXPECT_NE(made.output.find("<boss@example.com> with the role gatehouse-admin"), std::string::npos)
      << made.output;
  EXPECT_EQ(made.output.find("first admin password"), std::string::npos) << "echoed the password";
  const CommandResult again = create("another password here", "boss@example.com", false);
  EXPECT_EQ(again.exit_code, 1);
  EXPECT_NE(again.output.find("cannot create the user"), std::string::npos) << again.output;
  const CommandResult weak = create("short", "weak@example.com", false);
  EXPECT_EQ(weak.exit_code, 1);
  EXPECT_NE(weak.output.find("at least 8"), std::string::npos) << weak.output;

  {
    ServerProcess server({{"COOKIE_SECURE", "false"}}, dir);
    const CommandResult busy = create("one more password", "late@example.com", false);
    EXPECT_EQ(busy.exit_code, 1);
    EXPECT_NE(busy.output.find("in use by another process"), std::string::npos) << busy.output;

    HttpClient c(server.port());
    const HttpResponse in =
        c.Send("POST", "/v1/auth/signin",
               R"({"email":"boss@example.com","password":"first admin password"})",
               {{"X-Gatehouse-CSRF", "1"}});
    ASSERT_EQ(in.status, 200) << in.body;
    std::string cookie;
    for (const auto& [name, value] : in.headers) {
      if (name == "set-cookie" && value.starts_with("gh_access="))
        cookie = value.substr(0, value.find(';'));
    }
    ASSERT_FALSE(cookie.empty());
    const HttpResponse users = c.Send("GET", "/v1/users", "", {{"Cookie", cookie}});
    EXPECT_EQ(users.status, 200) << users.body;  // the console's calls, with the session alone
    const HttpResponse role = c.Send("GET", "/v1/roles/gatehouse-admin", "", {{"Cookie", cookie}});
    EXPECT_NE(role.body.find("gatehouse:admin"), std::string::npos) << role.body;
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gatehouse::testing
