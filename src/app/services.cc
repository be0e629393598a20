#include "app/services.h"

#include "app/store_factory.h"
#include "authz/authz_service.h"
#include "compat/compat.h"
#include "http/handlers/answer.h"
#include "http/handlers/api_auth.h"
#include "http/handlers/browser.h"
#include "http/handlers/feed.h"
#include "http/handlers/feed_stream.h"
#include "http/handlers/forward_auth.h"
#include "http/handlers/json_body.h"
#include "http/handlers/keys.h"
#include "http/handlers/ops.h"
#include "http/handlers/pages.h"
#include "http/handlers/roles.h"
#include "http/handlers/sessions.h"
#include "http/handlers/users.h"
#include "identity/account_tokens.h"
#include "identity/user_service.h"
#include "keys/key_manager.h"
#include "keys/master_key.h"
#include "revocation/feed/feed.h"
#include "revocation/revocation_state.h"
#include "sessions/session_service.h"
#include "store/store.h"
#include "tokens/jws.h"
#include "tokens/token_verifier.h"

namespace gatehouse::app {

namespace {

sessions::SessionPolicy PolicyFrom(const Config& c) {
  const sessions::SecurityPolicy security{
      .own_password_change = sessions::ParseEndSessions(c.password_change_ends).value(),
      .admin_password_set = sessions::ParseEndSessions(c.admin_password_ends).value(),
      .theft = sessions::ParseTheftScope(c.theft_ends).value()};
  return {.access_token_ttl = c.access_token_ttl,
          .access_token_jitter = c.access_token_jitter,
          .refresh_token_ttl = c.refresh_token_ttl,
          .session_absolute_ttl = c.session_absolute_ttl,
          .refresh_grace = c.refresh_grace,
          .max_sessions_per_user = c.max_sessions_per_user,
          .clock_leeway = c.clock_leeway,
          .security = security,
          .feed_staleness_bound = c.feed_staleness_bound};
}

// Where instances share the database (PostgreSQL), a token signed by a key another instance
// made moments ago names a kid this one has not loaded: load it (at most once a second). On
// SQLite this process makes every key, so there is nothing to load.
std::function<bool(std::string_view)> LoadUnknownKey(const Config& config, keys::KeyManager& keys) {
  if (!config.SharedDatabase()) return nullptr;
  return [&keys](std::string_view token) {
    Result<tokens::Jws> jws = tokens::ParseJws(token);
    return jws && keys.LoadUnknownKid(jws->kid);
  };
}

Status BuildServices(Services& p) {
  const Config& config = p.config;
  const sessions::SessionPolicy policy = PolicyFrom(config);
  if (config.event_retention < policy.MaxAccessTokenLifetime()) {
    // A restart rebuilds the revocation state from the log: it must hold every event that may
    // still concern an unexpired token.
    return InvalidArgument("EVENT_RETENTION must be at least ACCESS_TOKEN_TTL + CLOCK_LEEWAY");
  }
  GH_ASSIGN_OR_RETURN(p.store, OpenStore(config.DatabaseUrl()));
  // The feed hooks onto the store's commits before anything writes, and rebuilds the state.
  p.revocations = std::make_unique<revocation::RevocationState>(policy.MaxAccessTokenLifetime());
  p.feed = std::make_unique<revocation::Feed>(
      *p.store, *p.revocations, p.clock,
      revocation::Feed::Options{.token_lifetime = policy.MaxAccessTokenLifetime()});
  GH_RETURN_IF_ERROR(p.feed->Start());
  GH_ASSIGN_OR_RETURN(std::string master_key,
                      keys::LoadOrCreateMasterKey(config.MasterKeyPath(), p.random));
  GH_ASSIGN_OR_RETURN(crypto::SignatureAlg alg, crypto::ParseAlg(config.signing_alg));
  // Each app of the SuperTokens face signs with RS256 keys of its own family, made when the app
  // first needs them; the public app's are loaded now, so the JWKS holds them from the start.
  p.face_apps = std::make_unique<compat::Apps>(
      [&p, master_key, leeway = config.clock_leeway](
          const std::string& family, const compat::AppConfig& app,
          bool static_key) -> Result<std::unique_ptr<keys::KeyManager>> {
        // A static key never rotates (a hundred years), so what it signed verifies while it
        // lives.
        constexpr Millis kNever = std::chrono::hours(24 * 365 * 100);
        auto manager = std::make_unique<keys::KeyManager>(
            *p.store, master_key,
            tokens::KeyRing::Options{.alg = crypto::SignatureAlg::kRS256,
                                     .rotation_interval = static_key ? kNever : app.key_interval,
                                     .verify_window = app.access_token_validity + leeway,
                                     .kid_prefix = family},
            p.clock, p.random);
        GH_RETURN_IF_ERROR(manager->Reload());
        return manager;
      },
      p.store.get());
  GH_RETURN_IF_ERROR(p.face_apps->Load());
  GH_RETURN_IF_ERROR(p.face_apps->Public().Keys(/*static_key=*/false).status());
  GH_RETURN_IF_ERROR(p.face_apps->Public().Keys(/*static_key=*/true).status());
  p.keys = std::make_unique<keys::KeyManager>(
      *p.store, std::move(master_key),
      tokens::KeyRing::Options{.alg = alg,
                               .rotation_interval = config.key_rotation_interval,
                               .verify_window = policy.MaxAccessTokenLifetime()},
      p.clock, p.random);
  GH_RETURN_IF_ERROR(p.keys->Load());

  keys::KeyManager* key_manager = p.keys.get();
  auto ring = [key_manager] { return key_manager->SigningRing(); };
  // A key revoked anywhere (this instance or another on the same database) is never used to
  // sign again: the next signature reloads the keys first.
  p.feed->OnApplied([key_manager, apps = p.face_apps.get()](const revocation::Event& e) {
    if (e.type != revocation::EventType::kKeyRevoked) return;
    key_manager->RequestReload();
    apps->ForEachKeys([](keys::KeyManager& keys) { keys.RequestReload(); });
  });
  p.verifier = std::make_unique<tokens::TokenVerifier>(
      [key_manager] { return key_manager->VerifyKeys(); },
      tokens::VerifierOptions{.issuer = config.issuer, .leeway = config.clock_leeway},
      static_cast<std::size_t>(config.verified_cache_entries));
  // A revoked key leaves the ring, so the verifier drops its cache; its key_revoked event reached
  // the revocation state through the feed when the change committed.
  p.keys->SetListener([&p](const std::vector<std::string>& revoked) {
    if (!revoked.empty()) p.verifier->OnKeysChanged();
  });
  p.claims = std::make_unique<sessions::StoreClaimsSource>(config.access_token_permissions);
  p.sessions = std::make_unique<sessions::SessionService>(
      sessions::SessionService::Deps{.store = *p.store,
                                     .ring = ring,
                                     .verifier = *p.verifier,
                                     .revocations = *p.revocations,
                                     .feed = p.feed.get(),
                                     .load_unknown_key = LoadUnknownKey(config, *p.keys),
                                     .claims = *p.claims,
                                     .clock = p.clock,
                                     .random = p.random,
                                     .issuer = config.issuer},
      policy);
  p.authz = std::make_unique<authz::AuthzService>(*p.store, p.clock);
  // Sign-in, sign-up and refresh-guessing limits: in memory for one instance; in the database
  // where instances share it, so the limit holds across all of them.
  const std::string refresh_refused =
      "too many refused refresh tokens from this address; try again later";
  if (config.SharedDatabase()) {
    p.throttle = std::make_unique<identity::SigninThrottle>(*p.store, config.signin_max_failures,
                                                            config.signin_window, p.clock);
    p.refresh_guard = std::make_unique<identity::SigninThrottle>(
        *p.store, config.refresh_max_failures, config.signin_window, p.clock, refresh_refused);
  } else {
    p.throttle = std::make_unique<identity::SigninThrottle>(config.signin_max_failures,
                                                            config.signin_window, p.clock);
    p.refresh_guard = std::make_unique<identity::SigninThrottle>(
        config.refresh_max_failures, config.signin_window, p.clock, 100'000, refresh_refused);
  }
  p.users = std::make_unique<identity::UserService>(identity::UserService::Deps{
      .store = *p.store,
      .sessions = *p.sessions,
      .throttle = *p.throttle,
      .clock = p.clock,
      .random = p.random,
      .argon2 = {.memory_kib = static_cast<std::uint32_t>(config.argon2_memory_kib),
                 .iterations = static_cast<std::uint32_t>(config.argon2_iterations)}});
  p.account_tokens = std::make_unique<identity::AccountTokens>(
      identity::AccountTokens::Deps{.store = *p.store, .clock = p.clock, .random = p.random});
  p.browser = {.cookie_secure = config.cookie_secure,
               .cookie_domain = config.cookie_domain,
               .cors_origins = config.cors_origins};
  for (const std::string& cidr : config.trusted_proxies) {
    std::optional<http::Cidr> parsed = http::Cidr::Parse(cidr);
    if (!parsed) return InvalidArgument("TRUSTED_PROXIES: '" + cidr + "' is not a CIDR");
    p.browser.trusted_proxies.push_back(*parsed);
  }
  GH_ASSIGN_OR_RETURN(p.api_keys, LoadApiKeys(config, p.random));
  p.auth = std::make_unique<http::ApiAuth>(p.api_keys.keys);
  p.auth->SetAdminCheck([&p](const http::Request& req) {
    using Admin = http::ApiAuth::Admin;
    http::ApiAuth::AdminCheck check;
    std::optional<std::string> token = http::CookieValue(req, p.browser.AccessCookie());
    check.via_cookie = token.has_value();
    if (!token) {
      if (auto bearer = http::BearerToken(req)) token = std::string(*bearer);
    }
    if (!token) return check;
    auto claims = p.sessions->Verify(*token, sessions::VerifyMode::kLocal);
    if (!claims) {
      if (claims.error().reason() == reason::kTryRefreshToken) check.outdated = claims.error();
      return check;
    }
    check.who = {.user_id = std::string((*claims)->user_id),
                 .session_handle = std::string((*claims)->session_handle),
                 .token_expires_at_ms = (*claims)->expires_at_s * 1000,
                 .kid = std::string((*claims)->kid)};
    Result<bool> admin = p.authz->Check((*claims)->user_id, authz::kAdminPermission);
    check.result = admin && *admin ? Admin::kAdmin : Admin::kNotAdmin;
    return check;
  });
  return OkStatus();
}

void AddMetrics(Services& p) {
  const sessions::SessionService::Counters& c = p.sessions->counters();
  p.metrics.AddCounter({"sessions_created_total", "Sessions created.",
                        [&c] { return static_cast<double>(c.created.load()); }});
  p.metrics.AddCounter({"sessions_refreshed_total", "Successful refreshes.",
                        [&c] { return static_cast<double>(c.refreshed.load()); }});
  p.metrics.AddCounter({"sessions_revoked_total", "Sessions ended by revocation.",
                        [&c] { return static_cast<double>(c.revoked.load()); }});
  p.metrics.AddCounter({"token_theft_detected_total", "Refresh-token reuse detections.",
                        [&c] { return static_cast<double>(c.theft.load()); }});
  const revocation::Feed& feed = *p.feed;
  p.metrics.AddCounter({"feed_undecodable_events_total",
                        "Feed events that could not be decoded (skipped; subscribers resync).",
                        [&feed] { return static_cast<double>(feed.undecodable_events()); }});
  p.metrics.AddCounter({"feed_position", "The last event seq applied to the revocation state.",
                        [&feed] { return static_cast<double>(feed.position()); }, true});
  const revocation::RevocationState& revocations = *p.revocations;
  p.metrics.AddCounter({"revocation_state_entries",
                        "Entries in the revocation state (revoked sessions and keys, bans, claims "
                        "versions), before pruning.",
                        [&revocations] { return static_cast<double>(revocations.size()); }, true});
  const tokens::VerifiedTokenCache& cache = p.verifier->cache();
  p.metrics.AddCounter({"verified_token_cache_entries",
                        "Access tokens in the verified-token cache (their signature checked).",
                        [&cache] { return static_cast<double>(cache.size()); }, true});
}

void BuildRouter(Services& p) {
  Clock& clock = p.clock;
  keys::KeyManager* key_manager = p.keys.get();
  store::Store* store = p.store.get();
  http::AddOpsRoutes(
      p.router,
      {.jwks_json =
           [key_manager, face = p.face_apps->Public().KeysIfMade(false),
            face_static = p.face_apps->Public().KeysIfMade(true), &clock] {
             const auto native = key_manager->Ring();
             const auto faces = face->Ring();
             const auto statics = face_static->Ring();
             return tokens::JwksJson({native.get(), faces.get(), statics.get()}, clock.Now());
           },
       .store_ping = [store] { return store->Ping(); },
       .metrics = &p.metrics,
       .metrics_public = p.config.MetricsPublic(),
       .auth = p.auth.get()});
  http::AddSessionRoutes(p.router, *p.sessions, *p.auth);
  http::AddUserRoutes(
      p.router, {.users = *p.users, .sessions = *p.sessions, .authz = *p.authz, .store = *p.store},
      *p.auth);
  http::AddRoleRoutes(p.router, *p.authz, *p.auth);
  http::AddKeyRoutes(p.router, *p.keys, *p.auth);
  http::AddForwardAuthRoute(p.router, *p.sessions, p.browser);
  http::AddFeedRoutes(p.router, *p.feed, *p.auth);
  http::AddFeedStreamRoutes(
      p.router, {.feed = *p.feed, .sessions = *p.sessions, .browser = p.browser, .clock = p.clock},
      *p.auth);
  if (p.config.test_clock) {
    OffsetClock* test_clock = &p.clock;
    p.router.Add(
        http::Method::kPost, "/v1/test/clock", p.auth->Require([test_clock](http::Request& req) {
          return http::Answer([&]() -> Result<http::Response> {
            GH_ASSIGN_OR_RETURN(http::JsonBody body, http::JsonBody::Parse(req, {"advance_ms"}));
            GH_ASSIGN_OR_RETURN(std::int64_t ms, body.RequiredInt("advance_ms", 0, 86'400'000));
            test_clock->Advance(Millis(ms));
            return http::JsonResponse(
                200, boost::json::object{{"now", ToUnixMillis(test_clock->Now())}});
          });
        }));
  }
  p.router.Add(http::Method::kGet, "/v1/policy",
               p.auth->Require([table = p.sessions->policy().security.TableJson()](http::Request&) {
                 return http::TextResponse(200, table, "application/json");
               }));
  revocation::Feed* feed = p.feed.get();
  http::AddBrowserRoutes(
      p.router, *p.users, *p.sessions, *p.authz, *p.refresh_guard, p.browser,
      [feed] { return feed->position(); }, p.clock);
  http::AddPageRoutes(p.router);
  // Last: a path the native API and the CDI face could both match is the native API's.
  compat::AddCompatRoutes(p.router, {.authz = *p.authz,
                                     .users = *p.users,
                                     .tokens = *p.account_tokens,
                                     .sessions = *p.sessions,
                                     .apps = *p.face_apps,
                                     .clock = p.clock,
                                     .auth = *p.auth,
                                     .open = p.config.cdi_open});
}

}  // namespace

Services::Services() = default;
Services::~Services() = default;

Result<std::unique_ptr<Services>> Services::Build(const Config& config) {
  auto services = std::make_unique<Services>();
  services->config = config;
  GH_RETURN_IF_ERROR(BuildServices(*services));
  AddMetrics(*services);
  BuildRouter(*services);
  return services;
}

}  // namespace gatehouse::app
