#include "runtime/config.h"

#include <toml++/toml.h>

#include <algorithm>
#include <charconv>
#include <functional>

extern char** environ;  // NOLINT: POSIX

namespace gatehouse {
namespace {

using Setter = std::function<Status(Config&, std::string_view)>;

struct KeyDef {
  std::string_view name;
  Setter set;
};

Error BadValue(std::string_view what, std::string_view got) {
  return InvalidArgument("expected " + std::string(what) + ", got '" + std::string(got) + "'");
}

Result<std::int64_t> ParseInt(std::string_view text, std::int64_t lo, std::int64_t hi) {
  std::int64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi) {
    return BadValue("an integer from " + std::to_string(lo) + " to " + std::to_string(hi), text);
  }
  return v;
}

Result<bool> ParseBool(std::string_view text) {
  if (text == "true" || text == "1" || text == "yes" || text == "on") return true;
  if (text == "false" || text == "0" || text == "no" || text == "off") return false;
  return BadValue("true or false", text);
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  std::size_t start = 0;
  while (start <= text.size()) {
    const std::size_t comma = std::min(text.find(',', start), text.size());
    std::string_view item = text.substr(start, comma - start);
    while (!item.empty() && item.front() == ' ') item.remove_prefix(1);
    while (!item.empty() && item.back() == ' ') item.remove_suffix(1);
    if (!item.empty()) out.emplace_back(item);
    start = comma + 1;
  }
  return out;
}

KeyDef StringKey(std::string_view name, std::string Config::*field) {
  return {name, [field](Config& c, std::string_view v) -> Status {
            c.*field = std::string(v);
            return OkStatus();
          }};
}
KeyDef ChoiceKey(std::string_view name, std::string Config::*field,
                 std::vector<std::string_view> choices) {
  return {name, [field, choices](Config& c, std::string_view v) -> Status {
            if (std::find(choices.begin(), choices.end(), v) == choices.end()) {
              std::string list;
              for (auto ch : choices) list += (list.empty() ? "" : ", ") + std::string(ch);
              return BadValue("one of " + list, v);
            }
            c.*field = std::string(v);
            return OkStatus();
          }};
}

KeyDef ListKey(std::string_view name, std::vector<std::string> Config::*field) {
  return {name, [field](Config& c, std::string_view v) -> Status {
            c.*field = SplitList(v);
            return OkStatus();
          }};
}
KeyDef DurationKey(std::string_view name, Millis Config::*field) {
  return {name, [field](Config& c, std::string_view v) -> Status {
            GH_ASSIGN_OR_RETURN(c.*field, ParseDuration(v));
            return OkStatus();
          }};
}
KeyDef IntKey(std::string_view name, int Config::*field, int lo, int hi) {
  return {name, [field, lo, hi](Config& c, std::string_view v) -> Status {
            GH_ASSIGN_OR_RETURN(std::int64_t n, ParseInt(v, lo, hi));
            c.*field = static_cast<int>(n);
            return OkStatus();
          }};
}
KeyDef BoolKey(std::string_view name, bool Config::*field) {
  return {name, [field](Config& c, std::string_view v) -> Status {
            GH_ASSIGN_OR_RETURN(c.*field, ParseBool(v));
            return OkStatus();
          }};
}

const std::vector<KeyDef>& Keys() {
  static const auto* keys = new std::vector<KeyDef>{
      StringKey("LISTEN", &Config::listen),
      StringKey("DATABASE", &Config::database),
      StringKey("DATA_DIR", &Config::data_dir),
      ListKey("API_KEYS", &Config::api_keys),
      StringKey("ISSUER", &Config::issuer),
      ListKey("TRUSTED_PROXIES", &Config::trusted_proxies),
      StringKey("TLS_CERT_FILE", &Config::tls_cert_file),
      StringKey("TLS_KEY_FILE", &Config::tls_key_file),
      {"METRICS_PUBLIC",
       [](Config& c, std::string_view v) -> Status {
         GH_ASSIGN_OR_RETURN(bool b, ParseBool(v));
         c.metrics_public = b;
         return OkStatus();
       }},
      BoolKey("CDI_OPEN", &Config::cdi_open),
      IntKey("IO_THREADS", &Config::io_threads, 0, 256),
      IntKey("VERIFIED_CACHE_ENTRIES", &Config::verified_cache_entries, 16, 1 << 28),
      IntKey("WORKER_THREADS", &Config::worker_threads, 0, 1024),
      DurationKey("ACCESS_TOKEN_TTL", &Config::access_token_ttl),
      {"ACCESS_TOKEN_JITTER",
       [](Config& c, std::string_view v) -> Status {
         char* end = nullptr;
         const std::string s(v);
         const double d = std::strtod(s.c_str(), &end);
         if (s.empty() || end != s.c_str() + s.size() || !(d >= 0.0 && d <= 0.5)) {
           return BadValue("a fraction from 0 to 0.5", v);
         }
         c.access_token_jitter = d;
         return OkStatus();
       }},
      DurationKey("REFRESH_TOKEN_TTL", &Config::refresh_token_ttl),
      DurationKey("SESSION_ABSOLUTE_TTL", &Config::session_absolute_ttl),
      DurationKey("REFRESH_GRACE", &Config::refresh_grace),
      {"SIGNING_ALG",
       [](Config& c, std::string_view v) -> Status {
         if (v != "EdDSA" && v != "ES256" && v != "RS256") {
           return BadValue("EdDSA, ES256 or RS256", v);
         }
         c.signing_alg = std::string(v);
         return OkStatus();
       }},
      DurationKey("KEY_ROTATION_INTERVAL", &Config::key_rotation_interval),
      DurationKey("CLOCK_LEEWAY", &Config::clock_leeway),
      DurationKey("FEED_STALENESS_BOUND", &Config::feed_staleness_bound),
      StringKey("MASTER_KEY_FILE", &Config::master_key_file),
      DurationKey("GC_INTERVAL", &Config::gc_interval),
      DurationKey("READ_TIMEOUT", &Config::read_timeout),
      DurationKey("IDLE_TIMEOUT", &Config::idle_timeout),
      IntKey("MAX_CONNECTIONS", &Config::max_connections, 1, 1'000'000),
      IntKey("MAX_CONNECTIONS_PER_ADDRESS", &Config::max_connections_per_address, 1, 1'000'000),
      DurationKey("EVENT_RETENTION", &Config::event_retention),
      BoolKey("ACCESS_TOKEN_PERMISSIONS", &Config::access_token_permissions),
      BoolKey("TEST_CLOCK", &Config::test_clock),
      ChoiceKey("PASSWORD_CHANGE_ENDS", &Config::password_change_ends, {"none", "others", "all"}),
      ChoiceKey("ADMIN_PASSWORD_ENDS", &Config::admin_password_ends, {"none", "all"}),
      ChoiceKey("THEFT_ENDS", &Config::theft_ends, {"session", "user"}),
      IntKey("MAX_SESSIONS_PER_USER", &Config::max_sessions_per_user, 0, 1'000'000),
      BoolKey("COOKIE_SECURE", &Config::cookie_secure),
      StringKey("COOKIE_DOMAIN", &Config::cookie_domain),
      ListKey("CORS_ORIGINS", &Config::cors_origins),
      IntKey("ARGON2_MEMORY_KIB", &Config::argon2_memory_kib, 8, 4 * 1024 * 1024),
      IntKey("ARGON2_ITERATIONS", &Config::argon2_iterations, 1, 100),
      IntKey("SIGNIN_MAX_FAILURES", &Config::signin_max_failures, 1, 1'000'000),
      IntKey("REFRESH_MAX_FAILURES", &Config::refresh_max_failures, 1, 1'000'000),
      DurationKey("SIGNIN_WINDOW", &Config::signin_window),
      {"LOG_FORMAT",
       [](Config& c, std::string_view v) -> Status {
         if (v == "text") {
           c.log_format = LogFormat::kText;
         } else if (v == "json") {
           c.log_format = LogFormat::kJson;
         } else {
           return BadValue("text or json", v);
         }
         return OkStatus();
       }},
      {"LOG_LEVEL",
       [](Config& c, std::string_view v) -> Status {
         static constexpr std::string_view kLevels[] = {"trace", "debug", "info",
                                                        "warn",  "error", "off"};
         if (std::find(std::begin(kLevels), std::end(kLevels), v) == std::end(kLevels)) {
           return BadValue("trace, debug, info, warn, error or off", v);
         }
         c.log_level = std::string(v);
         return OkStatus();
       }},
  };
  return *keys;
}

std::string NormaliseKey(std::string_view key) {
  std::string out(key);
  for (char& ch : out) {
    ch = ch == '-' ? '_' : static_cast<char>(std::toupper(static_cast<unsigned char>(ch)));
  }
  return out;
}

const KeyDef* FindKey(std::string_view normalised) {
  for (const auto& k : Keys()) {
    if (k.name == normalised) return &k;
  }
  return nullptr;
}

// Applies one value; `origin` names the source in errors ("GATEHOUSE_LISTEN", "--listen", ...).
Status Apply(Config& config, std::string_view key, std::string_view value,
             const std::string& origin, bool unknown_is_error) {
  const KeyDef* def = FindKey(NormaliseKey(key));
  if (def == nullptr) {
    if (!unknown_is_error) return OkStatus();
    return InvalidArgument(origin + ": unknown configuration key");
  }
  Status s = def->set(config, value);
  if (!s) return InvalidArgument(origin + ": " + s.error().message());
  return OkStatus();
}

Result<std::string> TomlValueAsString(const toml::node& node) {
  if (auto s = node.value<std::string>(); s && node.is_string()) return *s;
  if (node.is_integer()) return std::to_string(*node.value<std::int64_t>());
  if (node.is_floating_point()) return std::to_string(*node.value<double>());
  if (node.is_boolean()) return std::string(*node.value<bool>() ? "true" : "false");
  if (const toml::array* arr = node.as_array()) {
    std::string joined;
    for (const auto& item : *arr) {
      if (!item.is_string()) return InvalidArgument("expected an array of strings");
      if (!joined.empty()) joined += ',';
      joined += *item.value<std::string>();
    }
    return joined;
  }
  return InvalidArgument("expected a string, number, boolean or array of strings");
}

// The TOML document: sources.toml_text when set, else the file at sources.toml_path.
Status ApplyToml(Config& config, const ConfigSources& sources) {
  const std::string path = sources.toml_path.empty() ? "config" : sources.toml_path;
  toml::table table;
  try {
    table =
        sources.toml_text.empty() ? toml::parse_file(path) : toml::parse(sources.toml_text, path);
  } catch (const toml::parse_error& e) {
    return InvalidArgument(path + ": " + std::string(e.description()));
  }
  for (const auto& [key, node] : table) {
    const std::string origin = path + ": " + std::string(key.str());
    Result<std::string> value = TomlValueAsString(node);
    if (!value) return InvalidArgument(origin + ": " + value.error().message());
    GH_RETURN_IF_ERROR(Apply(config, key.str(), *value, origin, /*unknown_is_error=*/true));
  }
  return OkStatus();
}

bool IsLoopbackListen(std::string_view listen) {
  const auto colon = listen.rfind(':');
  const std::string_view host = listen.substr(0, colon == std::string_view::npos ? 0 : colon);
  // An empty host (":3567") listens on every interface: not loopback.
  return host == "localhost" || host.starts_with("127.") || host == "[::1]" || host == "::1";
}

}  // namespace

std::string Config::DatabaseUrl() const {
  return database.empty() ? "sqlite://" + data_dir + "/gatehouse.db" : database;
}

bool Config::SharedDatabase() const {
  const std::string url = DatabaseUrl();
  return url.starts_with("postgres://") || url.starts_with("postgresql://");
}

std::string Config::DatabaseUrlRedacted() const {
  std::string url = DatabaseUrl();
  const std::size_t scheme = url.find("://");
  if (scheme != std::string::npos) {
    const std::size_t at = url.find('@', scheme + 3);
    const std::size_t slash = url.find('/', scheme + 3);
    const std::size_t colon = url.find(':', scheme + 3);
    if (at != std::string::npos && (slash == std::string::npos || at < slash) &&
        colon != std::string::npos && colon < at) {
      url.replace(colon + 1, at - colon - 1, "***");
    }
  }
  for (std::size_t p = url.find("password="); p != std::string::npos;
       p = url.find("password=", p + 1)) {
    const std::size_t end = url.find('&', p);
    url.replace(p + 9, (end == std::string::npos ? url.size() : end) - p - 9, "***");
  }
  return url;
}

std::string Config::MasterKeyPath() const {
  return master_key_file.empty() ? data_dir + "/master.key" : master_key_file;
}

bool Config::MetricsPublic() const { return metrics_public.value_or(IsLoopbackListen(listen)); }

Result<Config> LoadConfig(const ConfigSources& sources) {
  Config config;
  if (!sources.toml_path.empty() || !sources.toml_text.empty()) {
    GH_RETURN_IF_ERROR(ApplyToml(config, sources));
  }
  constexpr std::string_view kPrefix = "GATEHOUSE_";
  for (const auto& [name, value] : sources.env) {
    if (!name.starts_with(kPrefix)) continue;
    GH_RETURN_IF_ERROR(
        Apply(config, std::string_view(name).substr(kPrefix.size()), value, name, false));
  }
  for (const auto& [name, value] : sources.flags) {
    std::string flag = "--";
    for (char c : name) flag += c == '_' ? '-' : static_cast<char>(std::tolower(c));
    GH_RETURN_IF_ERROR(Apply(config, name, value, flag, true));
  }
  if (config.read_timeout.count() <= 0 || config.idle_timeout.count() <= 0) {
    return InvalidArgument("READ_TIMEOUT and IDLE_TIMEOUT must be longer than 0");
  }
  if (config.tls_cert_file.empty() != config.tls_key_file.empty()) {
    return InvalidArgument("TLS_CERT_FILE and TLS_KEY_FILE must be set together");
  }
  if (config.cdi_open && !IsLoopbackListen(config.listen)) {
    return InvalidArgument(
        "CDI_OPEN needs a loopback LISTEN: it lets anyone who reaches the port in");
  }
  return config;
}

std::map<std::string, std::string> EnvironmentFromProcess() {
  std::map<std::string, std::string> env;
  for (char** e = environ; e != nullptr && *e != nullptr; ++e) {
    const std::string_view entry(*e);
    if (!entry.starts_with("GATEHOUSE_")) continue;
    const auto eq = entry.find('=');
    if (eq == std::string_view::npos) continue;
    env.emplace(entry.substr(0, eq), entry.substr(eq + 1));
  }
  return env;
}

std::vector<std::string> ConfigKeyNames() {
  std::vector<std::string> names;
  for (const auto& k : Keys()) names.emplace_back(k.name);
  return names;
}

Result<Millis> ParseDuration(std::string_view text) {
  const Error bad = BadValue("a duration such as 500ms, 30s, 15m, 2h or 7d", text);
  if (text.empty()) return bad;
  Millis total{0};
  std::size_t i = 0;
  while (i < text.size()) {
    std::int64_t n = 0;
    const auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), n);
    if (ec != std::errc() || n < 0) return bad;
    i = static_cast<std::size_t>(end - text.data());
    std::size_t unit_end = i;
    while (unit_end < text.size() && std::isalpha(static_cast<unsigned char>(text[unit_end]))) {
      ++unit_end;
    }
    const std::string_view unit = text.substr(i, unit_end - i);
    std::int64_t factor = 0;
    if (unit == "ms") {
      factor = 1;
    } else if (unit == "s") {
      factor = 1000;
    } else if (unit == "m") {
      factor = 60'000;
    } else if (unit == "h") {
      factor = 3'600'000;
    } else if (unit == "d") {
      factor = 86'400'000;
    } else {
      return bad;
    }
    if (n > INT64_MAX / factor / 4) return bad;
    total += Millis(n * factor);
    i = unit_end;
  }
  return total;
}

}  // namespace gatehouse
