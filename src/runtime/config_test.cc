#include "runtime/config.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <filesystem>
#include <fstream>

namespace gatehouse {
namespace {

using std::chrono::hours;
using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(ParseDuration, AcceptsUnitsAndSums) {
  EXPECT_EQ(*ParseDuration("500ms"), milliseconds(500));
  EXPECT_EQ(*ParseDuration("30s"), seconds(30));
  EXPECT_EQ(*ParseDuration("15m"), minutes(15));
  EXPECT_EQ(*ParseDuration("2h"), hours(2));
  EXPECT_EQ(*ParseDuration("7d"), hours(24 * 7));
  EXPECT_EQ(*ParseDuration("1h30m"), minutes(90));
  EXPECT_EQ(*ParseDuration("0s"), milliseconds(0));
}

TEST(ParseDuration, RejectsBadInput) {
  for (const char* bad : {"", "15", "m", "-5s", "1.5h", "10x", "5 m", "99999999999999999d"}) {
    EXPECT_FALSE(ParseDuration(bad)) << bad;
  }
}

TEST(LoadConfig, DefaultsMatchApi) {
  Config c = *LoadConfig({});
  EXPECT_EQ(c.listen, "127.0.0.1:3567");
  EXPECT_EQ(c.DatabaseUrl(), "sqlite://./gatehouse-data/gatehouse.db");
  EXPECT_EQ(c.MasterKeyPath(), "./gatehouse-data/master.key");
  EXPECT_EQ(c.access_token_ttl, minutes(10));
  EXPECT_EQ(c.refresh_token_ttl, hours(24 * 14));
  EXPECT_EQ(c.session_absolute_ttl, hours(24 * 30));
  EXPECT_EQ(c.refresh_grace, seconds(30));
  EXPECT_EQ(c.signing_alg, "EdDSA");
  EXPECT_EQ(c.key_rotation_interval, hours(24 * 7));
  EXPECT_EQ(c.clock_leeway, seconds(5));
  EXPECT_TRUE(c.cookie_secure);
  EXPECT_EQ(c.argon2_memory_kib, 19456);
  EXPECT_EQ(c.argon2_iterations, 2);
  EXPECT_EQ(c.signin_max_failures, 10);
  EXPECT_EQ(c.signin_window, minutes(15));
  EXPECT_EQ(c.max_sessions_per_user, 0);
  EXPECT_TRUE(c.MetricsPublic());
}

class TomlFile {
 public:
  explicit TomlFile(const std::string& text)
      : path_(std::filesystem::temp_directory_path() /
              ("gh-config-" + std::to_string(::getpid()) + ".toml")) {
    std::ofstream(path_) << text;
  }
  ~TomlFile() { std::filesystem::remove(path_); }
  std::string path() const { return path_.string(); }

 private:
  std::filesystem::path path_;
};

// What `gatehouse migrate` prints names the database without its password.
TEST(Config, DatabaseUrlRedactedHidesPasswords) {
  Config c;
  c.database = "postgres://gh:s3cret@db.internal:5432/gatehouse?sslmode=require";
  EXPECT_EQ(c.DatabaseUrlRedacted(),
            "postgres://gh:***@db.internal:5432/gatehouse?sslmode=require");
  c.database = "postgres://gh@db:5432/g?password=s3cret&sslmode=require";
  EXPECT_EQ(c.DatabaseUrlRedacted(), "postgres://gh@db:5432/g?password=***&sslmode=require");
  c.database = "postgres://db.internal/gatehouse";
  EXPECT_EQ(c.DatabaseUrlRedacted(), "postgres://db.internal/gatehouse");
  c.database = "sqlite://./data/gatehouse.db";
  EXPECT_EQ(c.DatabaseUrlRedacted(), "sqlite://./data/gatehouse.db");
}

TEST(LoadConfig, FileThenEnvironmentThenFlags) {
  TomlFile file(
      "LISTEN = \"0.0.0.0:9000\"\naccess_token_ttl = \"2m\"\nCOOKIE_SECURE = false\n"
      "API_KEYS = [\"a\", \"b\"]\nSIGNIN_MAX_FAILURES = 3\n");
  ConfigSources src{.toml_path = file.path(),
                    .env = {{"GATEHOUSE_ACCESS_TOKEN_TTL", "3m"}, {"OTHER", "x"}},
                    .flags = {{"signin-max-failures", "4"}}};
  Config c = *LoadConfig(src);
  EXPECT_EQ(c.listen, "0.0.0.0:9000");
  EXPECT_FALSE(c.MetricsPublic());
  EXPECT_EQ(c.access_token_ttl, minutes(3));  // env beats file
  EXPECT_FALSE(c.cookie_secure);
  EXPECT_EQ(c.api_keys, (std::vector<std::string>{"a", "b"}));
  EXPECT_EQ(c.signin_max_failures, 4);  // flag beats file
}

TEST(LoadConfig, CdiOpenOnlyOnLoopback) {
  // An open SuperTokens face lets anyone who reaches the port in: never on a reachable address.
  EXPECT_TRUE(LoadConfig({.env = {{"GATEHOUSE_CDI_OPEN", "true"}}})->cdi_open);
  Result<Config> r =
      LoadConfig({.env = {{"GATEHOUSE_CDI_OPEN", "true"}, {"GATEHOUSE_LISTEN", "0.0.0.0:3567"}}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("CDI_OPEN"), std::string::npos);
  EXPECT_FALSE(LoadConfig({})->cdi_open);
}

TEST(LoadConfig, BadValueNamesTheKey) {
  Result<Config> r = LoadConfig({.env = {{"GATEHOUSE_ACCESS_TOKEN_TTL", "ten"}}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("GATEHOUSE_ACCESS_TOKEN_TTL"), std::string::npos);
  EXPECT_NE(r.error().message().find("duration"), std::string::npos);

  r = LoadConfig({.flags = {{"signing-alg", "HS256"}}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("--signing-alg"), std::string::npos);

  r = LoadConfig({.flags = {{"no-such-key", "1"}}});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("unknown"), std::string::npos);
}

TEST(LoadConfig, BadFileIsAnError) {
  TomlFile bad_syntax("LISTEN = \n");
  EXPECT_FALSE(LoadConfig({.toml_path = bad_syntax.path()}));
  TomlFile unknown("NOPE = 1\n");
  EXPECT_FALSE(LoadConfig({.toml_path = unknown.path()}));
  TomlFile wrong_type("COOKIE_SECURE = \"maybe\"\n");
  Result<Config> r = LoadConfig({.toml_path = wrong_type.path()});
  ASSERT_FALSE(r);
  EXPECT_NE(r.error().message().find("COOKIE_SECURE"), std::string::npos);
}

}  // namespace
}  // namespace gatehouse
