#include "compat/apps.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <charconv>
#include <cmath>

#include "crypto/hash.h"

namespace gatehouse::compat {
namespace {

namespace bj = boost::json;

constexpr std::string_view kMark = "appid-";

// The app a user id or role name of the form "appid-<app>:<name>" is in; nullopt for the
// public app's.
std::optional<std::string_view> AppOfName(std::string_view internal) {
  if (!internal.starts_with(kMark)) return std::nullopt;
  const std::size_t colon = internal.find(':');
  if (colon == std::string_view::npos) return std::nullopt;
  return internal.substr(kMark.size(), colon - kMark.size());
}

// The same for an email of the form "<email>#appid-<app>".
std::optional<std::string_view> AppOfEmail(std::string_view internal) {
  const std::size_t at = internal.rfind("#appid-");
  if (at == std::string_view::npos) return std::nullopt;
  return internal.substr(at + 1 + kMark.size());
}

bool IsValidAppId(std::string_view id) {
  return !id.empty() && id.size() <= 63 && std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-';
  });
}

// A number, or a string holding one (the core takes config values in either form).
std::optional<double> Number(const bj::value& v) {
  if (v.is_int64()) return static_cast<double>(v.as_int64());
  if (v.is_uint64()) return static_cast<double>(v.as_uint64());
  if (v.is_double()) return v.as_double();
  if (v.is_string()) {
    const std::string_view s = v.as_string();
    double out = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
    if (ec == std::errc() && end == s.data() + s.size()) return out;
  }
  return std::nullopt;
}

Error BadConfig(std::string_view key) {
  return InvalidArgument("Invalid value for core config '" + std::string(key) + "'");
}

}  // namespace

Result<AppConfig> ParseCoreConfig(const bj::object& core_config) {
  AppConfig config;
  if (const bj::value* v = core_config.if_contains("access_token_validity")) {
    const std::optional<double> seconds = Number(*v);
    // The core's bounds: at least a second, at most a day.
    if (!seconds || *seconds < 1 || *seconds > 86400) return BadConfig("access_token_validity");
    config.access_token_validity = std::chrono::seconds(static_cast<std::int64_t>(*seconds));
  }
  constexpr std::string_view kInterval = "access_token_dynamic_signing_key_update_interval";
  if (const bj::value* v = core_config.if_contains(kInterval)) {
    const std::optional<double> hours = Number(*v);
    // At least 0.001 h (3.6 s, what the SDK's tests use), at most ten years.
    if (!hours || !std::isfinite(*hours) || *hours < 0.001 || *hours > 87600) {
      return BadConfig(kInterval);
    }
    config.key_interval = std::chrono::milliseconds(std::llround(*hours * 3600 * 1000));
  }
  if (const bj::value* v = core_config.if_contains("api_keys"); v != nullptr && !v->is_null()) {
    if (!v->is_string()) return BadConfig("api_keys");
    std::string_view rest = v->as_string();
    while (!rest.empty()) {
      const std::size_t comma = rest.find(',');
      std::string_view key = rest.substr(0, comma);
      rest = comma == std::string_view::npos ? std::string_view() : rest.substr(comma + 1);
      while (!key.empty() && key.front() == ' ') key.remove_prefix(1);
      while (!key.empty() && key.back() == ' ') key.remove_suffix(1);
      // The core's rule: at least 20 characters of [A-Za-z0-9=-].
      if (key.size() < 20 || !std::all_of(key.begin(), key.end(), [](char c) {
            return std::isalnum(static_cast<unsigned char>(c)) || c == '=' || c == '-';
          })) {
        return BadConfig("api_keys");
      }
      config.api_key_hashes.push_back(crypto::ToHex(crypto::Sha256Bytes(key)));
    }
  }
  return config;
}

bool AppConfig::OwnKeyAdmits(std::string_view key) const {
  const std::string hash = crypto::ToHex(crypto::Sha256Bytes(key));
  bool found = false;
  for (const std::string& k : api_key_hashes) found |= crypto::ConstantTimeEquals(k, hash);
  return found;
}

std::string AppConfigJson(const AppConfig& config) {
  bj::array hashes;
  for (const std::string& h : config.api_key_hashes) hashes.emplace_back(h);
  return bj::serialize(bj::object{{"access_token_validity_s", config.access_token_validity.count()},
                                  {"key_interval_ms", config.key_interval.count()},
                                  {"api_key_hashes", std::move(hashes)}});
}

Result<AppConfig> AppConfigFromJson(std::string_view json) {
  boost::system::error_code ec;
  const bj::value v = bj::parse(json, ec);
  const Error bad = InvalidArgument("a stored app's settings are unreadable");
  if (ec || !v.is_object()) return bad;
  const bj::object& o = v.as_object();
  const bj::value* validity = o.if_contains("access_token_validity_s");
  const bj::value* interval = o.if_contains("key_interval_ms");
  const bj::value* hashes = o.if_contains("api_key_hashes");
  if (!validity || !validity->is_int64() || !interval || !interval->is_int64() || !hashes ||
      !hashes->is_array()) {
    return bad;
  }
  AppConfig config{.access_token_validity = std::chrono::seconds(validity->as_int64()),
                   .key_interval = std::chrono::milliseconds(interval->as_int64())};
  for (const bj::value& h : hashes->as_array()) {
    if (!h.is_string()) return bad;
    config.api_key_hashes.emplace_back(h.as_string());
  }
  return config;
}

App::App(std::string id, AppConfig config, KeyFactory make_keys)
    : id_(std::move(id)), make_keys_(std::move(make_keys)), config_(std::move(config)) {}

AppConfig App::config() const {
  MutexLock lock(mu_);
  return config_;
}

void App::SetConfig(AppConfig config) {
  MutexLock lock(mu_);
  config_ = std::move(config);
}

Result<std::string> App::User(std::string_view external) const {
  if (is_public()) {
    if (AppOfName(external)) return InvalidArgument("names of the form appid-<app>:… are reserved");
    return std::string(external);
  }
  return std::string(kMark) + id_ + ":" + std::string(external);
}

std::optional<std::string> App::ExternalUser(std::string_view internal) const {
  const std::optional<std::string_view> app = AppOfName(internal);
  if (is_public()) return app ? std::nullopt : std::optional<std::string>(internal);
  if (!app || *app != id_) return std::nullopt;
  return std::string(internal.substr(kMark.size() + id_.size() + 1));
}

Result<std::string> App::Email(std::string_view external) const {
  if (is_public()) {
    if (AppOfEmail(external)) return InvalidArgument("'email' is not a valid email address");
    return std::string(external);
  }
  return std::string(external) + "#" + std::string(kMark) + id_;
}

std::optional<std::string> App::ExternalEmail(std::string_view internal) const {
  const std::optional<std::string_view> app = AppOfEmail(internal);
  if (is_public()) return app ? std::nullopt : std::optional<std::string>(internal);
  if (!app || *app != id_) return std::nullopt;
  return std::string(internal.substr(0, internal.size() - kMark.size() - id_.size() - 1));
}

std::string App::UserIdPrefix() const {
  return is_public() ? std::string() : std::string(kMark) + id_ + ":";
}

Result<keys::KeyManager*> App::Keys(bool static_key) {
  MutexLock lock(mu_);
  std::unique_ptr<keys::KeyManager>& keys = static_key ? static_keys_ : keys_;
  if (!keys) {
    const std::string prefix(static_key ? kStaticKidPrefix : kKidPrefix);
    const std::string family = is_public() ? prefix : prefix + id_ + "-";
    GH_ASSIGN_OR_RETURN(keys, make_keys_(family, config_, static_key));
  }
  return keys.get();
}

keys::KeyManager* App::KeysIfMade(bool static_key) const {
  MutexLock lock(mu_);
  return static_key ? static_keys_.get() : keys_.get();
}

Result<std::shared_ptr<const tokens::KeyRing>> App::SigningRing(bool static_key, SystemTime now) {
  GH_ASSIGN_OR_RETURN(keys::KeyManager * keys, Keys(static_key));
  std::shared_ptr<const tokens::KeyRing> ring = keys->SigningRing();
  if (ring->Signer() == nullptr || ring->NeedsRotation(now)) {
    GH_RETURN_IF_ERROR(keys->RotateIfDue());
    ring = keys->Ring();
  }
  if (ring->Signer() == nullptr) return Unavailable("no signing key");
  return ring;
}

Apps::Apps(App::KeyFactory make_keys, store::Store* store)
    : make_keys_(std::move(make_keys)),
      store_(store),
      public_(std::make_shared<App>("public", AppConfig{}, make_keys_)) {}

void Apps::Hold(const store::FaceAppRecord& record, AppConfig config) {
  if (record.id == "public") {
    public_->SetConfig(std::move(config));
    return;
  }
  MutexLock lock(mu_);
  if (record.removed) {
    removed_.insert(record.id);
    apps_.erase(record.id);
    return;
  }
  auto it = apps_.find(record.id);
  if (it != apps_.end()) {
    it->second->SetConfig(std::move(config));
  } else {
    apps_.emplace(record.id, std::make_shared<App>(record.id, std::move(config), make_keys_));
  }
}

Status Apps::Load() {
  if (store_ == nullptr) return OkStatus();
  std::vector<store::FaceAppRecord> records;
  GH_RETURN_IF_ERROR(store_->Read([&](store::Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(records, tx.ListFaceApps());
    return OkStatus();
  }));
  for (const store::FaceAppRecord& record : records) {
    GH_ASSIGN_OR_RETURN(AppConfig config, AppConfigFromJson(record.config));
    Hold(record, std::move(config));
  }
  return OkStatus();
}

std::shared_ptr<App> Apps::Find(std::string_view id) {
  if (id == "public") return public_;
  {
    MutexLock lock(mu_);
    if (auto it = apps_.find(id); it != apps_.end()) return it->second;
    if (removed_.contains(id)) return nullptr;
  }
  // Made by another instance, or not at all: a read of one row (ids that cannot be apps never
  // reach the store).
  if (store_ == nullptr || !IsValidAppId(id)) return nullptr;
  std::optional<store::FaceAppRecord> record;
  const Status read = store_->Read([&](store::Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(record, tx.GetFaceApp(id));
    return OkStatus();
  });
  if (!read || !record || record->removed) return nullptr;
  Result<AppConfig> config = AppConfigFromJson(record->config);
  if (!config) return nullptr;
  Hold(*record, std::move(*config));
  MutexLock lock(mu_);
  auto it = apps_.find(id);
  return it == apps_.end() ? nullptr : it->second;
}

Result<bool> Apps::Put(std::string_view id, AppConfig config) {
  if (id != "public" && !IsValidAppId(id)) return InvalidArgument("Invalid app id");
  bool created = false;
  const store::FaceAppRecord record{.id = std::string(id), .config = AppConfigJson(config)};
  if (store_ != nullptr) {
    GH_RETURN_IF_ERROR(store_->Write([&](store::Tx& tx) -> Status {
      GH_ASSIGN_OR_RETURN(std::optional<store::FaceAppRecord> existing, tx.GetFaceApp(id));
      if (existing && existing->removed) {
        return InvalidArgument("The app was removed; its id is not reused");
      }
      created = !existing && id != "public";
      return tx.PutFaceApp(record);
    }));
  } else {
    MutexLock lock(mu_);
    if (removed_.contains(id)) return InvalidArgument("The app was removed; its id is not reused");
    created = id != "public" && !apps_.contains(id);
  }
  Hold(record, std::move(config));
  return created;
}

Result<bool> Apps::Remove(std::string_view id) {
  if (id == "public") return InvalidArgument("The public app cannot be removed");
  bool existed = false;
  if (store_ != nullptr) {
    GH_RETURN_IF_ERROR(store_->Write([&](store::Tx& tx) -> Status {
      GH_ASSIGN_OR_RETURN(std::optional<store::FaceAppRecord> existing, tx.GetFaceApp(id));
      existed = existing && !existing->removed;
      if (!existed) return OkStatus();
      existing->removed = true;
      return tx.PutFaceApp(*existing);
    }));
  } else {
    MutexLock lock(mu_);
    existed = apps_.contains(id);
  }
  if (existed) Hold({.id = std::string(id), .removed = true}, {});
  return existed;
}

void Apps::ForEachKeys(const std::function<void(keys::KeyManager&)>& fn) const {
  std::vector<std::shared_ptr<App>> apps{public_};
  {
    MutexLock lock(mu_);
    for (const auto& [id, app] : apps_) apps.push_back(app);
  }
  for (const auto& app : apps) {
    for (bool static_key : {false, true}) {
      if (keys::KeyManager* keys = app->KeysIfMade(static_key)) fn(*keys);
    }
  }
}

}  // namespace gatehouse::compat
