#include "compat/session_recipe.h"

#include <boost/json/array.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>

#include "compat/access_token.h"
#include "compat/cdi.h"
#include "compat/compat.h"
#include "crypto/hash.h"

namespace gatehouse::compat {
namespace {

namespace bj = boost::json;
using http::Method;
using http::Response;

// The anti-CSRF token of a refresh token: a hash of it, so it needs no storage and tells nothing
// of the refresh token (which stays in its HttpOnly cookie).
std::string AntiCsrfOf(std::string_view refresh_token) {
  return crypto::ToHex(crypto::Sha256Bytes("gatehouse anti-csrf " + std::string(refresh_token)))
      .substr(0, 32);
}

bj::object SessionJson(std::string_view handle, std::string_view user, const bj::object& payload,
                       std::string_view tenant) {
  return bj::object{{"handle", handle},
                    {"userId", user},
                    {"recipeUserId", user},
                    {"userDataInJWT", payload},
                    {"tenantId", tenant}};
}

// The app's id of a session's user (the services' id outside the app's namespace).
std::string UserOf(const App& app, const store::SessionRecord& s) {
  return app.ExternalUser(s.user_id).value_or(s.user_id);
}

// Tokens of a session as the core answers them (create and refresh).
bj::object IssuedJson(const App& app, const sessions::IssuedSession& s, std::string_view tenant,
                      bool anti_csrf) {
  boost::system::error_code ec;
  bj::value stored = bj::parse(s.session.access_payload, ec);  // written by the service
  const bj::object payload = !ec && stored.is_object() ? stored.as_object() : bj::object{};
  const std::int64_t now = s.session.last_active_at;
  bj::object out{
      {"session", SessionJson(s.session.handle, UserOf(app, s.session), payload, tenant)},
      {"accessToken",
       bj::object{
           {"token", s.access_token}, {"expiry", s.access_expires_at_ms}, {"createdTime", now}}},
      {"refreshToken",
       bj::object{
           {"token", s.refresh_token}, {"expiry", s.refresh_expires_at_ms}, {"createdTime", now}}}};
  if (anti_csrf) out["antiCsrfToken"] = AntiCsrfOf(s.refresh_token);
  return out;
}

Result<bj::object> ObjectField(const http::JsonBody& body, std::string_view name) {
  const bj::value* v = body.object().if_contains(name);
  if (v == nullptr || v->is_null()) return bj::object{};
  if (!v->is_object()) {
    return InvalidArgument("Field name '" + std::string(name) + "' is invalid in JSON input");
  }
  return v->as_object();
}

bool BoolField(const http::JsonBody& body, std::string_view name) {
  const bj::value* v = body.object().if_contains(name);
  return v != nullptr && v->is_bool() && v->as_bool();
}

Response Unauthorised(std::string_view message) {
  return http::JsonResponse(200, bj::object{{"status", "UNAUTHORISED"}, {"message", message}});
}

// Signs with the app's current key of the token's family (dynamic or static).
Result<std::string> SignWithAppKey(App& app, SystemTime now, const StAccessToken& token) {
  GH_ASSIGN_OR_RETURN(auto ring, app.SigningRing(token.static_key, now));
  return IssueStAccessToken(token, *ring->Signer());
}

// When a token the app issues at `now` for the session expires.
SystemTime TokenExpiry(const App& app, const store::SessionRecord& s, SystemTime now) {
  return std::min(now + app.config().access_token_validity, FromUnixMillis(s.absolute_expires_at));
}

// The layout the face issues its sessions' access tokens in, signed by the app's own keys.
sessions::TokenLayout Layout(App& app, std::string tenant, bool anti_csrf, bool static_key) {
  return [&app, tenant = std::move(tenant), anti_csrf,
          static_key](const sessions::TokenRequest& r) -> Result<sessions::LaidOutToken> {
    const SystemTime expires = TokenExpiry(app, r.session, r.issued_at);
    StAccessToken token{
        .user_id = UserOf(app, r.session),
        .tenant = tenant,
        .session_handle = r.session.handle,
        .refresh_hash1 = crypto::ToHex(crypto::Sha256Bytes(r.refresh_token)),
        .anti_csrf = anti_csrf ? std::optional(AntiCsrfOf(r.refresh_token)) : std::nullopt,
        .payload = r.payload,
        .issued_at_s = ToUnixSeconds(r.issued_at),
        .expires_at_s = ToUnixSeconds(expires),
        .static_key = static_key};
    if (!r.parent_refresh_hash.empty()) {
      token.parent_refresh_hash1 = crypto::ToHex(r.parent_refresh_hash);
    }
    GH_ASSIGN_OR_RETURN(std::string signed_token, SignWithAppKey(app, r.issued_at, token));
    return sessions::LaidOutToken{std::move(signed_token), expires};
  };
}

struct Ctx {
  sessions::SessionService& sessions;
  authz::AuthzService& authz;
  Clock& clock;
};

// The app's verification keys of both families (its KeyManagers made, without a key, if it
// had none).
struct AppKeys {
  std::shared_ptr<const tokens::VerifyKeys> dynamic, fixed;
};
Result<AppKeys> AppVerifyKeys(App& app) {
  GH_ASSIGN_OR_RETURN(keys::KeyManager * dynamic, app.Keys(/*static_key=*/false));
  GH_ASSIGN_OR_RETURN(keys::KeyManager * fixed, app.Keys(/*static_key=*/true));
  return AppKeys{dynamic->VerifyKeys(), fixed->VerifyKeys()};
}

Result<StAccessToken> ReadToken(App& app, std::string_view token, SystemTime now,
                                bool check_expiry) {
  GH_ASSIGN_OR_RETURN(AppKeys keys, AppVerifyKeys(app));
  return ReadStAccessToken(token, {keys.dynamic.get(), keys.fixed.get()}, now, check_expiry);
}

// The SDK's useDynamicAccessTokenSigningKey (default true) as a create or refresh sends it.
bool StaticKey(const http::JsonBody& body) {
  const bj::value* v = body.object().if_contains("useDynamicSigningKey");
  return v != nullptr && v->is_bool() && !v->as_bool();
}

// The live session `handle` names, when it is the app's: kNotFound otherwise (another app's
// session is unknown to this one).
Result<store::SessionRecord> OwnSession(const Ctx& c, const App& app, std::string_view handle) {
  GH_ASSIGN_OR_RETURN(store::SessionRecord s, c.sessions.Get(handle));
  if (!app.ExternalUser(s.user_id)) return NotFound("no such session");
  return s;
}

// The SDK's role claims (`st-role`, `st-perm`: {v: [...], t: ms}) a payload holds, set to the
// user's current roles and permissions, when they differ from what it says; nullopt when the
// payload holds none of them or they are current.
Result<std::optional<bj::object>> FreshRoleClaims(const Ctx& c, const App& app,
                                                  const store::SessionRecord& s,
                                                  const bj::object& payload) {
  std::optional<bj::object> fresh;
  const std::int64_t now = ToUnixMillis(c.clock.Now());
  auto check = [&](std::string_view claim, const std::vector<std::string>& current) {
    const bj::value* held = payload.if_contains(claim);
    if (held == nullptr || !held->is_object()) return;
    std::vector<std::string> said;
    if (const bj::value* v = held->as_object().if_contains("v"); v != nullptr && v->is_array()) {
      for (const bj::value& item : v->as_array()) {
        if (item.is_string()) said.emplace_back(item.as_string());
      }
    }
    std::sort(said.begin(), said.end());
    if (said == current) return;
    bj::array values;
    for (const std::string& value : current) values.emplace_back(value);
    if (!fresh) fresh.emplace();
    (*fresh)[claim] = bj::object{{"v", std::move(values)}, {"t", now}};
  };
  if (payload.contains("st-role")) {
    GH_ASSIGN_OR_RETURN(std::vector<std::string> internal, c.authz.UserRoles(s.user_id));
    std::vector<std::string> roles;
    for (const std::string& role : internal) {
      if (auto external = app.ExternalRole(role)) roles.push_back(std::move(*external));
    }
    std::sort(roles.begin(), roles.end());
    check("st-role", roles);
  }
  if (payload.contains("st-perm")) {
    GH_ASSIGN_OR_RETURN(std::vector<std::string> permissions, c.authz.UserPermissions(s.user_id));
    std::sort(permissions.begin(), permissions.end());
    check("st-perm", permissions);
  }
  return fresh;
}

Response Create(const Ctx& c, const CdiRequest& r) {
  return Answer([&]() -> Result<Response> {
    GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
    GH_ASSIGN_OR_RETURN(std::string external, StringField(body, "userId"));
    GH_ASSIGN_OR_RETURN(std::string user, r.app.User(external));
    GH_ASSIGN_OR_RETURN(bj::object payload, ObjectField(body, "userDataInJWT"));
    GH_ASSIGN_OR_RETURN(bj::object data, ObjectField(body, "userDataInDatabase"));
    GH_RETURN_IF_ERROR(CheckUserPayload(payload));
    const bool anti_csrf = BoolField(body, "enableAntiCsrf");
    // A key the app must make or rotate to is made before the session's clock starts, so its
    // cost (an RSA key) never eats into the token's validity.
    GH_RETURN_IF_ERROR(r.app.SigningRing(StaticKey(body), c.clock.Now()).status());
    Result<sessions::IssuedSession> issued =
        c.sessions.Create({.user_id = user,
                           .access_payload = payload,
                           .session_data = std::move(data),
                           .layout = Layout(r.app, r.tenant, anti_csrf, StaticKey(body))});
    if (!issued) return issued.error();
    return Ok(IssuedJson(r.app, *issued, r.tenant, anti_csrf));
  });
}

Response Verify(const Ctx& c, const CdiRequest& r) {
  return Answer([&]() -> Result<Response> {
    GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
    GH_ASSIGN_OR_RETURN(std::string token, StringField(body, "accessToken"));
    Result<StAccessToken> read = ReadToken(r.app, token, c.clock.Now(), true);
    if (!read && read.error().code() != ErrorCode::kUnauthenticated) return read.error();
    if (!read) {
      return http::JsonResponse(
          200, bj::object{{"status", "TRY_REFRESH_TOKEN"}, {"message", read.error().message()}});
    }
    if (BoolField(body, "enableAntiCsrf") && BoolField(body, "doAntiCsrfCheck")) {
      const bj::value* given = body.object().if_contains("antiCsrfToken");
      if (!read->anti_csrf || given == nullptr || !given->is_string() ||
          !crypto::ConstantTimeEquals(given->as_string(), *read->anti_csrf)) {
        return http::JsonResponse(200, bj::object{{"status", "TRY_REFRESH_TOKEN"},
                                                  {"message", "anti-csrf check failed"}});
      }
    }
    const bool check_database = BoolField(body, "checkDatabase");
    // The session as stored, when this verify reads it: for the database check, and to promote
    // the refresh token a refreshed access token came with (DESIGN.md item 3).
    std::optional<store::SessionRecord> stored;
    bool reissue = false;
    if (read->parent_refresh_hash1) {
      const std::optional<std::string> child = crypto::FromHex(read->refresh_hash1);
      if (!child) return Unauthorised("Either the session has ended or has been blacklisted");
      Result<std::optional<store::SessionRecord>> promoted =
          c.sessions.PromoteChild(read->session_handle, *child);
      if (!promoted && promoted.error().code() == ErrorCode::kNotFound) {
        return Unauthorised("Either the session has ended or has been blacklisted");
      }
      if (!promoted) return promoted.error();
      reissue = promoted->has_value();
      if (reissue) stored = std::move(**promoted);
    }
    if (check_database && !stored) {
      Result<store::SessionRecord> live = c.sessions.Get(read->session_handle);
      if (!live && live.error().code() == ErrorCode::kNotFound) {
        return Unauthorised("Either the session has ended or has been blacklisted");
      }
      if (!live) return live.error();
      stored = std::move(*live);
    }
    bj::object payload = read->payload;
    if (stored) {
      boost::system::error_code ec;
      bj::value held = bj::parse(stored->access_payload, ec);
      if (!ec && held.is_object()) payload = held.as_object();
      if (check_database) {
        // Roles changed since the token was made (through the userroles recipe or the native
        // API) reach its claims now, not at the SDK's next claim refresh.
        GH_ASSIGN_OR_RETURN(std::optional<bj::object> fresh,
                            FreshRoleClaims(c, r.app, *stored, payload));
        if (fresh) {
          GH_ASSIGN_OR_RETURN(
              store::SessionRecord updated,
              c.sessions.Update(stored->handle, {.access_payload = *fresh, .face_claims = true}));
          for (auto& [name, value] : *fresh) payload[name] = value;
          stored = std::move(updated);
          reissue = true;
        }
      }
    }
    bj::object out{
        {"session", SessionJson(read->session_handle, read->user_id, payload, read->tenant)}};
    if (reissue) {
      StAccessToken next = *read;
      next.parent_refresh_hash1.reset();
      next.payload = payload;
      const SystemTime now = c.clock.Now();
      next.issued_at_s = ToUnixSeconds(now);
      next.expires_at_s = ToUnixSeconds(TokenExpiry(r.app, *stored, now));
      GH_ASSIGN_OR_RETURN(std::string signed_token, SignWithAppKey(r.app, now, next));
      out["accessToken"] = bj::object{{"token", signed_token},
                                      {"expiry", next.expires_at_s * 1000},
                                      {"createdTime", next.issued_at_s * 1000}};
    }
    return Ok(std::move(out));
  });
}

// The core's refresh: a rotation of the session's refresh token (committed token → a new
// pending child; a pending child → promoted, and its own child issued), the reuse of a
// superseded token is theft (here the session ends at once; the core leaves that to the SDK).
// With anti-CSRF on, the token sent must be the one that came with the refresh token.
Response Refresh(const Ctx& c, const CdiRequest& r) {
  return Answer([&]() -> Result<Response> {
    GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
    GH_ASSIGN_OR_RETURN(std::string refresh_token, StringField(body, "refreshToken"));
    const bool anti_csrf = BoolField(body, "enableAntiCsrf");
    if (anti_csrf) {
      const bj::value* given = body.object().if_contains("antiCsrfToken");
      if (given == nullptr || !given->is_string() ||
          !crypto::ConstantTimeEquals(given->as_string(), AntiCsrfOf(refresh_token))) {
        return Unauthorised("anti-csrf check failed");
      }
    }
    GH_RETURN_IF_ERROR(r.app.SigningRing(StaticKey(body), c.clock.Now()).status());
    const App& app = r.app;
    Result<sessions::IssuedSession> issued = c.sessions.Refresh(
        refresh_token,
        {.layout = Layout(r.app, r.tenant, anti_csrf, StaticKey(body)),
         .owns = [&app](std::string_view user) { return app.ExternalUser(user).has_value(); }});
    if (!issued && issued.error().reason() == reason::kTokenTheftDetected) {
      std::string handle, user;
      for (const auto& [name, value] : issued.error().fields()) {
        if (name == "session_handle") handle = value;
        if (name == "user_id") user = r.app.ExternalUser(value).value_or(value);
      }
      return http::JsonResponse(
          200,
          bj::object{{"status", "TOKEN_THEFT_DETECTED"},
                     {"session",
                      bj::object{{"handle", handle}, {"userId", user}, {"recipeUserId", user}}}});
    }
    if (!issued && issued.error().code() == ErrorCode::kUnauthenticated) {
      return Unauthorised(issued.error().message());
    }
    if (!issued) return issued.error();
    return Ok(IssuedJson(r.app, *issued, r.tenant, anti_csrf));
  });
}

// Replaces a session's userDataInDatabase or userDataInJWT (`member`); UNAUTHORISED when the
// session has ended.
Result<Response> SetData(const Ctx& c, const CdiRequest& r, std::string_view member) {
  GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
  GH_ASSIGN_OR_RETURN(std::string handle, StringField(body, "sessionHandle"));
  GH_ASSIGN_OR_RETURN(bj::object value, ObjectField(body, member));
  sessions::SessionPatch patch{.replace = true, .face_claims = true};
  if (member == "userDataInJWT") {
    GH_RETURN_IF_ERROR(CheckUserPayload(value));
    patch.access_payload = std::move(value);
  } else {
    patch.session_data = std::move(value);
  }
  Result<store::SessionRecord> updated = OwnSession(c, r.app, handle);
  if (updated) updated = c.sessions.Update(handle, patch);
  if (!updated && updated.error().code() == ErrorCode::kNotFound) {
    return Unauthorised("Session does not exist.");
  }
  if (!updated) return updated.error();
  return Ok();
}

Response SetSessionData(const Ctx& c, const CdiRequest& r) {
  return Answer([&] { return SetData(c, r, "userDataInDatabase"); });
}

Response SetJwtData(const Ctx& c, const CdiRequest& r) {
  return Answer([&] { return SetData(c, r, "userDataInJWT"); });
}

// A session's new userDataInJWT, and (while the given token has not expired) a token that says
// it, with the same expiry, refresh-token hashes and anti-CSRF token. Unlike the core, the
// token's signature is checked: a forged one changes nothing.
Response Regenerate(const Ctx& c, const CdiRequest& r) {
  return Answer([&]() -> Result<Response> {
    GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
    GH_ASSIGN_OR_RETURN(std::string token, StringField(body, "accessToken"));
    GH_ASSIGN_OR_RETURN(bj::object payload, ObjectField(body, "userDataInJWT"));
    GH_RETURN_IF_ERROR(CheckUserPayload(payload));
    const SystemTime now = c.clock.Now();
    Result<StAccessToken> read = ReadToken(r.app, token, now, false);
    if (!read && read.error().code() != ErrorCode::kUnauthenticated) return read.error();
    if (!read) return Unauthorised(read.error().message());
    Result<store::SessionRecord> updated = c.sessions.Update(
        read->session_handle, {.access_payload = payload, .replace = true, .face_claims = true});
    if (!updated && updated.error().code() == ErrorCode::kNotFound) {
      return Unauthorised("Session does not exist.");
    }
    if (!updated) return updated.error();
    bj::object out{
        {"session", SessionJson(read->session_handle, read->user_id, payload, read->tenant)}};
    if (ToUnixSeconds(now) < read->expires_at_s) {
      StAccessToken next = *read;
      next.payload = payload;
      GH_ASSIGN_OR_RETURN(std::string signed_token, SignWithAppKey(r.app, now, next));
      out["accessToken"] = bj::object{{"token", signed_token},
                                      {"expiry", next.expires_at_s * 1000},
                                      {"createdTime", next.issued_at_s * 1000}};
    }
    return Ok(std::move(out));
  });
}

Response Remove(const Ctx& c, const CdiRequest& r) {
  return Answer([&]() -> Result<Response> {
    GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
    bj::array revoked;
    if (const bj::value* handles = body.object().if_contains("sessionHandles")) {
      if (!handles->is_array()) {
        return InvalidArgument("Field name 'sessionHandles' is invalid in JSON input");
      }
      for (const bj::value& h : handles->as_array()) {
        if (!h.is_string()) {
          return InvalidArgument("Field name 'sessionHandles' is invalid in JSON input");
        }
        Result<store::SessionRecord> own = OwnSession(c, r.app, h.as_string());
        if (!own && own.error().code() == ErrorCode::kNotFound) continue;
        if (!own) return own.error();
        Result<bool> ended = c.sessions.Revoke(h.as_string());
        if (!ended && ended.error().code() != ErrorCode::kNotFound) return ended.error();
        if (ended && *ended) revoked.emplace_back(h.as_string());
      }
      return Ok({{"sessionHandlesRevoked", std::move(revoked)}});
    }
    GH_ASSIGN_OR_RETURN(std::string external, StringField(body, "userId"));
    GH_ASSIGN_OR_RETURN(std::string user, r.app.User(external));
    GH_ASSIGN_OR_RETURN(std::vector<store::SessionRecord> live, c.sessions.ListLive(user));
    for (const store::SessionRecord& s : live) {
      Result<bool> ended = c.sessions.Revoke(s.handle);
      if (!ended && ended.error().code() != ErrorCode::kNotFound) return ended.error();
      if (ended && *ended) revoked.emplace_back(s.handle);
    }
    return Ok({{"sessionHandlesRevoked", std::move(revoked)}});
  });
}

Response Get(const Ctx& c, const CdiRequest& r) {
  return Answer([&]() -> Result<Response> {
    GH_ASSIGN_OR_RETURN(std::string handle, QueryField(r, "sessionHandle"));
    Result<store::SessionRecord> s = OwnSession(c, r.app, handle);
    if (!s && s.error().code() == ErrorCode::kNotFound) {
      return Unauthorised("Session does not exist.");
    }
    if (!s) return s.error();
    return Ok({{"sessionHandle", s->handle},
               {"userId", UserOf(r.app, *s)},
               {"recipeUserId", UserOf(r.app, *s)},
               {"expiry", s->expires_at()},
               {"timeCreated", s->created_at},
               {"userDataInJWT", bj::parse(s->access_payload)},
               {"userDataInDatabase", bj::parse(s->session_data)},
               {"tenantId", r.tenant}});
  });
}

Response HandlesOfUser(const Ctx& c, const CdiRequest& r) {
  return Answer([&]() -> Result<Response> {
    GH_ASSIGN_OR_RETURN(std::string external, QueryField(r, "userId"));
    GH_ASSIGN_OR_RETURN(std::string user, r.app.User(external));
    GH_ASSIGN_OR_RETURN(std::vector<store::SessionRecord> live, c.sessions.ListLive(user));
    bj::array handles;
    for (const store::SessionRecord& s : live) handles.emplace_back(s.handle);
    return Ok({{"sessionHandles", std::move(handles)}});
  });
}

}  // namespace

void AddSessionRecipe(http::Router& router, const Gate& gate, sessions::SessionService& sessions,
                      authz::AuthzService& authz, Clock& clock) {
  const auto ctx = std::make_shared<Ctx>(Ctx{sessions, authz, clock});
  const CdiRouteOptions tenant{.tenant_scoped = true};
  auto add = [&](Method m, std::string_view path, Response (*fn)(const Ctx&, const CdiRequest&),
                 CdiRouteOptions options = {}) {
    AddRoute(
        router, gate, m, path, [ctx, fn](const CdiRequest& r) { return fn(*ctx, r); }, options);
  };
  add(Method::kPost, "/recipe/session", Create, tenant);
  add(Method::kPost, "/recipe/session/verify", Verify);
  add(Method::kPost, "/recipe/session/refresh", Refresh);
  add(Method::kPost, "/recipe/session/regenerate", Regenerate);
  add(Method::kPut, "/recipe/session/data", SetSessionData);
  add(Method::kPut, "/recipe/jwt/data", SetJwtData);
  add(Method::kPost, "/recipe/session/remove", Remove, tenant);
  add(Method::kGet, "/recipe/session", Get);
  add(Method::kGet, "/recipe/session/user", HandlesOfUser, tenant);
}

}  // namespace gatehouse::compat
