#pragma once
// Config: every setting of API.md "Configuration", from defaults, a TOML file, `GATEHOUSE_<KEY>`
// environment variables and command-line flags, in that order of precedence (later wins).
//
//   ConfigSources src{.toml_path = "gatehouse.toml", .env = EnvironmentFromProcess(),
//                     .flags = {{"LISTEN", ":0"}}};
//   GH_ASSIGN_OR_RETURN(Config cfg, LoadConfig(src));
//
// A bad value is an error naming the key and the source ("GATEHOUSE_ACCESS_TOKEN_TTL: expected a
// duration such as 15m, got 'ten'"). Keys are case-insensitive in the file; `-` and `_` are the
// same in flags (`--access-token-ttl`).
//
// Thread-safety: Config is a plain value.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "runtime/log.h"

namespace gatehouse {

struct Config {
  // Network.
  std::string listen = "127.0.0.1:3567";         // LISTEN; ":0" picks a free port
  std::string database;                          // DATABASE; default: sqlite in DATA_DIR
  std::string data_dir = "./gatehouse-data";     // DATA_DIR
  std::vector<std::string> api_keys;             // API_KEYS; default: generated into DATA_DIR
  std::string issuer = "http://127.0.0.1:3567";  // ISSUER
  std::vector<std::string> trusted_proxies;      // TRUSTED_PROXIES (CIDRs); default: none
  std::string tls_cert_file;                     // TLS_CERT_FILE; default: plain HTTP
  std::string tls_key_file;                      // TLS_KEY_FILE
  std::optional<bool> metrics_public;            // METRICS_PUBLIC; default: loopback LISTEN
  int io_threads = 0;                            // IO_THREADS; default 0 = one per core
  int verified_cache_entries = 1 << 20;          // VERIFIED_CACHE_ENTRIES
  int worker_threads = 0;                        // WORKER_THREADS; default 0 = 16 per core
  // CDI_OPEN: the SuperTokens face answers without an API key (an app with api_keys of its own
  // still needs one), as a core without api_keys does; for development and the SDK's own tests,
  // so only with a loopback LISTEN.
  bool cdi_open = false;

  // Tokens and sessions.
  Millis access_token_ttl = std::chrono::minutes(10);         // ACCESS_TOKEN_TTL
  double access_token_jitter = 0.05;                          // ACCESS_TOKEN_JITTER (fraction)
  Millis refresh_token_ttl = std::chrono::hours(24 * 14);     // REFRESH_TOKEN_TTL (inactivity)
  Millis session_absolute_ttl = std::chrono::hours(24 * 30);  // SESSION_ABSOLUTE_TTL
  Millis refresh_grace = std::chrono::seconds(30);            // REFRESH_GRACE
  std::string signing_alg = "EdDSA";                          // SIGNING_ALG
  Millis key_rotation_interval = std::chrono::hours(24 * 7);  // KEY_ROTATION_INTERVAL
  Millis clock_leeway = std::chrono::seconds(5);              // CLOCK_LEEWAY
  // FEED_STALENESS_BOUND: `local` verification answers 503 once the revocation feed has not read
  // the database for this long (another instance's revocations could be missing).
  Millis feed_staleness_bound = std::chrono::seconds(5);
  std::string master_key_file;                      // MASTER_KEY_FILE; default DATA_DIR/master.key
  int max_sessions_per_user = 0;                    // MAX_SESSIONS_PER_USER; 0 = no cap
  Millis gc_interval = std::chrono::seconds(10);    // GC_INTERVAL: how often dead rows are deleted
  Millis read_timeout = std::chrono::seconds(10);   // READ_TIMEOUT: to read one request (or write)
  Millis idle_timeout = std::chrono::seconds(60);   // IDLE_TIMEOUT: keep-alive between requests
  int max_connections = 10'000;                     // MAX_CONNECTIONS
  int max_connections_per_address = 1'000;          // MAX_CONNECTIONS_PER_ADDRESS (proxies: any)
  std::string password_change_ends = "others";      // PASSWORD_CHANGE_ENDS: none | others | all
  std::string admin_password_ends = "all";          // ADMIN_PASSWORD_ENDS: none | all
  std::string theft_ends = "session";               // THEFT_ENDS: session | user
  Millis event_retention = std::chrono::hours(24);  // EVENT_RETENTION: feed events kept this long
  // TEST_CLOCK (default false): POST /v1/test/clock {advance_ms} (API key) moves the server's
  // clock forward, for integration tests that decide on time rather than wait for it. Never in
  // production: time only moves forward, but it expires every session early.
  bool test_clock = false;
  bool access_token_permissions = false;  // ACCESS_TOKEN_PERMISSIONS: tokens also carry `perms`

  // Browser.
  bool cookie_secure = true;              // COOKIE_SECURE
  std::string cookie_domain;              // COOKIE_DOMAIN; default unset
  std::vector<std::string> cors_origins;  // CORS_ORIGINS; default none

  // Passwords and sign-in.
  int argon2_memory_kib = 19456;   // ARGON2_MEMORY_KIB
  int argon2_iterations = 2;       // ARGON2_ITERATIONS
  int signin_max_failures = 10;    // SIGNIN_MAX_FAILURES
  int refresh_max_failures = 100;  // REFRESH_MAX_FAILURES: unknown refresh tokens per IP/window
  Millis signin_window = std::chrono::minutes(15);  // SIGNIN_WINDOW

  // Operations.
  LogFormat log_format = LogFormat::kText;  // LOG_FORMAT: text | json
  std::string log_level = "info";           // LOG_LEVEL

  // Derived values.
  std::string DatabaseUrl() const;  // DATABASE or sqlite://DATA_DIR/gatehouse.db
  bool SharedDatabase() const;      // PostgreSQL: other instances may write it too
  // DatabaseUrl() with any password (user:PASSWORD@, password=…) replaced by "***", for output.
  std::string DatabaseUrlRedacted() const;
  std::string MasterKeyPath() const;  // MASTER_KEY_FILE or DATA_DIR/master.key
  bool MetricsPublic() const;         // METRICS_PUBLIC or "LISTEN is loopback"
};

struct ConfigSources {
  std::string toml_path;  // empty: no file
  std::string toml_text;  // a TOML document itself (tests, fuzzing): read instead of the file
  std::map<std::string, std::string> env;    // GATEHOUSE_* variables (others ignored)
  std::map<std::string, std::string> flags;  // key (any case, - or _) -> value
};

Result<Config> LoadConfig(const ConfigSources& sources);

// The GATEHOUSE_* variables of this process.
std::map<std::string, std::string> EnvironmentFromProcess();

// The names of every key, upper case, for flag registration and docs.
std::vector<std::string> ConfigKeyNames();

// "15m", "500ms", "1h30m", "2d". Rejects negatives, empty strings and unknown units.
Result<Millis> ParseDuration(std::string_view text);

}  // namespace gatehouse
