#pragma once
// The SuperTokens face's apps: the namespaces a core serves under `/appid-<app>/…`, each with
// its own users, roles, sessions, signing keys and settings (its `coreConfig`). The `public` app
// is the native namespace itself: what the native API sees, the face's public app sees.
//
//   Apps apps(make_keys);
//   apps.Put("shop", config);                 // PUT /recipe/multitenancy/app/v2
//   std::shared_ptr<App> shop = apps.Find("shop");
//   Result<std::string> id = shop->User("alice");  // "appid-shop:alice", as the services see it
//
// Names in another app's namespace are the native names with the app in them, so the services
// stay one implementation and a native admin sees (and may ban or revoke) every app's users:
//   user ids and role names  "appid-<app>:<name>"
//   emails                   "<email>#appid-<app>"
// A name of these forms belongs to that app (whether or not it exists); the public app's face
// refuses them as input, so one app's callers can never address another's users or roles.
//
// An app costs a map entry until it is used: its signing keys (KeyManagers of the families
// "d-<app>-" and "s-<app>-", RS256) are made at its first session or JWKS, so thousands of idle
// apps do no key work and run no thread. Apps are kept in the store (their settings; API keys as
// hashes) and read when an instance first needs one, so they outlive a restart and every
// instance on a shared database serves them. A changed setting reaches another instance when it
// restarts.
//
// Thread-safety: all methods are safe to call concurrently.

#include <boost/json/object.hpp>
#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "common/result.h"
#include "keys/key_manager.h"
#include "store/store.h"

namespace gatehouse::compat {

// SuperTokens' defaults for what the face signs: access tokens live an hour, signed by RS256
// keys named "d-<created ms>" that rotate every 168 hours (its `access_token_validity` and
// `access_token_dynamic_signing_key_update_interval`).
inline constexpr std::chrono::seconds kAccessTokenValidity{3600};
inline constexpr std::chrono::hours kKeyRotationInterval{168};
inline constexpr std::string_view kKidPrefix = "d-";
// Static keys ("s-<created ms>"): one per app, never rotated, for the SDK's
// useDynamicAccessTokenSigningKey = false and the JWT recipe's useStaticSigningKey.
inline constexpr std::string_view kStaticKidPrefix = "s-";

// An app's settings: the core's config keys it honours.
struct AppConfig {
  std::chrono::seconds access_token_validity = kAccessTokenValidity;
  std::chrono::milliseconds key_interval = kKeyRotationInterval;
  // Empty: the server's API keys (none with CDI_OPEN). Else only these open the app: the
  // lower-case hex SHA-256 of each (the keys themselves are never stored).
  std::vector<std::string> api_key_hashes;

  // True when `key` is one of the app's own (constant time in each comparison).
  bool OwnKeyAdmits(std::string_view key) const;
  bool operator==(const AppConfig&) const = default;
};
// The settings as the store keeps them, and back.
std::string AppConfigJson(const AppConfig& config);
Result<AppConfig> AppConfigFromJson(std::string_view json);

// The `coreConfig` of PUT /recipe/multitenancy/app/v2: access_token_validity (seconds),
// access_token_dynamic_signing_key_update_interval (hours, fractions allowed), api_keys
// (comma-separated; kept as hashes). Other keys are accepted and have no effect here
// (docs/supertokens.md).
Result<AppConfig> ParseCoreConfig(const boost::json::object& core_config);

class App {
 public:
  // Makes a KeyManager of the family `kid_prefix`: rotating at the app's interval, or (static)
  // never.
  using KeyFactory = std::function<Result<std::unique_ptr<keys::KeyManager>>(
      const std::string& kid_prefix, const AppConfig& config, bool static_key)>;
  App(std::string id, AppConfig config, KeyFactory make_keys);

  const std::string& id() const { return id_; }
  bool is_public() const { return id_ == "public"; }
  AppConfig config() const;
  void SetConfig(AppConfig config);

  // A name as the services know it; kInvalidArgument for one the public app may not take
  // (another app's form). The External… forms are the reverse: nullopt for a name that is not
  // this app's.
  Result<std::string> User(std::string_view external) const;
  std::optional<std::string> ExternalUser(std::string_view internal) const;
  Result<std::string> Role(std::string_view external) const { return User(external); }
  std::optional<std::string> ExternalRole(std::string_view internal) const {
    return ExternalUser(internal);
  }
  Result<std::string> Email(std::string_view external) const;
  std::optional<std::string> ExternalEmail(std::string_view internal) const;
  // The prefix of the ids of the accounts this app signs up ("" for public).
  std::string UserIdPrefix() const;

  // The app's dynamic ("d-") or static ("s-") signing keys, made (and loaded from the store) at
  // the first call.
  Result<keys::KeyManager*> Keys(bool static_key = false);
  // The keys if made already, else null.
  keys::KeyManager* KeysIfMade(bool static_key = false) const;
  // The ring to sign with at `now`: its first key made if there is none yet, a new one when the
  // app's key interval has passed (as short as 3.6 s in the SDK's tests). Always has a Signer.
  Result<std::shared_ptr<const tokens::KeyRing>> SigningRing(bool static_key, SystemTime now);

 private:
  const std::string id_;
  const KeyFactory make_keys_;
  mutable Mutex mu_;
  AppConfig config_ GUARDED_BY(mu_);
  std::unique_ptr<keys::KeyManager> keys_ GUARDED_BY(mu_);
  std::unique_ptr<keys::KeyManager> static_keys_ GUARDED_BY(mu_);
};

class Apps {
 public:
  // `make_keys` makes an app's KeyManager for its kid family (called at most once per app).
  // `store` (null: in memory only) keeps the apps: Put and Remove write it before they answer,
  // Load reads them all, and Find reads an app it does not hold (made by another instance).
  explicit Apps(App::KeyFactory make_keys, store::Store* store = nullptr);
  Status Load();

  // Null when unknown or removed. The public app always exists.
  std::shared_ptr<App> Find(std::string_view id);
  App& Public() { return *public_; }
  // Creates the app (true) or replaces its settings (false). kInvalidArgument for an id that is
  // not 1-63 of [a-z0-9-], or one that was removed (its names are still in the store).
  Result<bool> Put(std::string_view id, AppConfig config);
  // True when it existed. The public app cannot be removed.
  Result<bool> Remove(std::string_view id);
  // Every app's KeyManager made so far (rotation, sync with other instances, revocations).
  void ForEachKeys(const std::function<void(keys::KeyManager&)>& fn) const;

 private:
  // Holds the app as `record` says (its settings `config`; removed: no longer).
  void Hold(const store::FaceAppRecord& record, AppConfig config);

  const App::KeyFactory make_keys_;
  store::Store* const store_;
  const std::shared_ptr<App> public_;
  mutable Mutex mu_;
  std::map<std::string, std::shared_ptr<App>, std::less<>> apps_ GUARDED_BY(mu_);
  std::set<std::string, std::less<>> removed_ GUARDED_BY(mu_);  // known removed
};

}  // namespace gatehouse::compat
