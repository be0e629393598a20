#include "http/handlers/browser.h"

#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "crypto/base64url.h"
#include "http/handlers/answer.h"
#include "http/handlers/api_auth.h"
#include "http/handlers/json_body.h"
#include "http/handlers/session_json.h"
#include "http/handlers/user_json.h"

namespace gatehouse::http {
namespace {

namespace bj = boost::json;
using identity::UserService;
using sessions::SessionService;

struct Context {
  UserService& users;
  SessionService& sessions;
  authz::AuthzService& authz;
  identity::SigninThrottle& refresh_guard;
  const BrowserOptions& options;
  std::function<std::int64_t()> feed_position;
  const Clock& clock;
};

bool HeaderTransport(const Request& req) {
  const auto t = req.Header("x-gatehouse-transport");
  return t && *t == "header";
}

identity::ClientInfo Client(const Context& c, const Request& req) {
  return {.ip = ClientIp(req, c.options.trusted_proxies),
          .user_agent = std::string(req.Header("user-agent").value_or("").substr(0, 512))};
}

// The access token of the request: the access cookie, else a bearer token.
std::optional<std::string> AccessToken(const Context& c, const Request& req) {
  if (auto cookie = CookieValue(req, c.options.AccessCookie())) return cookie;
  if (auto bearer = BearerToken(req)) return std::string(*bearer);
  return std::nullopt;
}

Result<std::shared_ptr<const tokens::AccessClaims>> Authenticate(const Context& c,
                                                                 const Request& req) {
  const auto token = AccessToken(c, req);
  if (!token) return Unauthenticated("sign in first");
  return c.sessions.Verify(*token, sessions::VerifyMode::kLocal);
}

// What the page may read of its access token (X-Gatehouse-Front): whose it is, its roles, when
// it expires and the server's time now (ms), so the SDK refreshes before it does by its own
// clock even when that clock is off.
template <typename Roles>
std::string FrontHeader(const Context& c, std::string_view user_id, const Roles& token_roles,
                        std::int64_t expires_at_ms) {
  bj::array roles;
  for (const auto& role : token_roles) roles.emplace_back(role);
  bj::object front{{"user_id", user_id},
                   {"roles", roles},
                   {"exp", expires_at_ms},
                   {"now", ToUnixMillis(c.clock.Now())}};
  return crypto::Base64UrlEncode(bj::serialize(front));
}

// Puts a fresh session on the response: cookies (or body members for header transport).
void Deliver(const Context& c, const Request& req, const sessions::IssuedSession& issued,
             Response& r, bj::object& body, std::int64_t now_ms) {
  if (HeaderTransport(req)) {
    body["access_token"] = {{"token", issued.access_token},
                            {"expires_at", issued.access_expires_at_ms}};
    body["refresh_token"] = {{"token", issued.refresh_token},
                             {"expires_at", issued.refresh_expires_at_ms}};
  } else {
    r.SetHeader("Set-Cookie",
                SetCookieValue(c.options, c.options.AccessCookie(), issued.access_token, "/",
                               (issued.refresh_expires_at_ms - now_ms) / 1000));
    r.SetHeader("Set-Cookie",
                SetCookieValue(c.options, c.options.RefreshCookie(), issued.refresh_token,
                               kRefreshPath, (issued.refresh_expires_at_ms - now_ms) / 1000));
  }
  r.SetHeader("X-Gatehouse-Front",
              FrontHeader(c, issued.session.user_id, issued.roles, issued.access_expires_at_ms));
}

void ClearCookies(const Context& c, Response& r) {
  r.SetHeader("Set-Cookie", SetCookieValue(c.options, c.options.AccessCookie(), "", "/", 0));
  r.SetHeader("Set-Cookie",
              SetCookieValue(c.options, c.options.RefreshCookie(), "", kRefreshPath, 0));
}

std::int64_t NowMs(const sessions::IssuedSession& s) { return s.session.last_active_at; }

Result<Response> SignUp(Context& c, Request& req) {
  GH_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(req, {"email", "password"}));
  GH_ASSIGN_OR_RETURN(std::string email, body.RequiredString("email", 1024));
  GH_ASSIGN_OR_RETURN(std::string password, body.RequiredString("password", 1024));
  GH_ASSIGN_OR_RETURN(identity::SignedIn in, c.users.SignUp(email, password, Client(c, req)));
  bj::object out{{"user", UserJson(in.user)}};
  Response r;
  Deliver(c, req, in.session, r, out, NowMs(in.session));
  Response json = JsonResponse(201, out);
  json.headers = std::move(r.headers);
  return json;
}

Result<Response> SignIn(Context& c, Request& req) {
  GH_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(req, {"email", "password"}));
  GH_ASSIGN_OR_RETURN(std::string email, body.RequiredString("email", 1024));
  GH_ASSIGN_OR_RETURN(std::string password, body.RequiredString("password", 1024));
  GH_ASSIGN_OR_RETURN(identity::SignedIn in, c.users.SignIn(email, password, Client(c, req)));
  bj::object out{{"user", UserJson(in.user)}};
  Response r;
  Deliver(c, req, in.session, r, out, NowMs(in.session));
  Response json = JsonResponse(200, out);
  json.headers = std::move(r.headers);
  return json;
}

Response Refresh(Context& c, Request& req) {
  std::optional<std::string> token = CookieValue(req, c.options.RefreshCookie());
  if (!token) {
    Result<JsonBody> body = JsonBody::Parse(req, {"refresh_token"}, /*empty_ok=*/true);
    if (!body) return ErrorResponse(body.error());
    Result<std::optional<std::string>> t = body->OptionalString("refresh_token", 1024);
    if (!t) return ErrorResponse(t.error());
    token = *t;
  }
  if (!token) {
    Response r = ErrorResponse(Unauthenticated("no refresh token"));
    ClearCookies(c, r);
    return r;
  }
  Result<sessions::IssuedSession> issued = c.sessions.Refresh(*token);
  // The guessing throttle sees only tokens the server does not know (theft is not guessing: the
  // token was real), so a valid token is never refused by it — not behind a shared NAT, not from
  // an address someone else filled with dead cookies. Past the limit, unknown tokens from the
  // address get 429 instead of 401.
  const bool refused = !issued && issued.error().code() == ErrorCode::kUnauthenticated &&
                       issued.error().reason() != reason::kTokenTheftDetected;
  if (refused) {
    const identity::ClientInfo client = Client(c, req);
    Result<identity::SigninThrottle::Slot> slot =
        c.refresh_guard.Acquire({"refresh-ip:" + client.ip});
    if (!slot) {
      (void)c.users.Audit("refresh_throttled", "", "", "user", client);
      return ErrorResponse(slot.error());
    }
    c.refresh_guard.Finish(*slot, /*success=*/false);
  }
  if (!issued) {
    Response r = ErrorResponse(issued.error());
    if (issued.error().code() == ErrorCode::kUnauthenticated) ClearCookies(c, r);
    return r;
  }
  bj::object out{{"user_id", issued->session.user_id},
                 {"expires_at", issued->access_expires_at_ms}};
  Response r;
  Deliver(c, req, *issued, r, out, NowMs(*issued));
  Response json = JsonResponse(200, out);
  json.headers = std::move(r.headers);
  return json;
}

Response SignOut(Context& c, Request& req) {
  bool signed_out = false;
  // An expired or outdated token still names its session: sign-out ends it all the same.
  if (const auto token = AccessToken(c, req)) {
    Result<sessions::SessionService::SignedOut> out = c.sessions.SignOut(*token);
    if (!out && out.error().code() == ErrorCode::kUnavailable) return ErrorResponse(out.error());
    if (out) {
      signed_out = true;
      (void)c.users.Audit("signout", out->claims->user_id, out->claims->session_handle, "user",
                          Client(c, req));
    }
  }
  Response r = JsonResponse(200, bj::object{{"signed_out", signed_out}});
  ClearCookies(c, r);
  r.SetHeader("Clear-Site-Data", "\"cookies\"");
  return r;
}

Result<Response> Me(Context& c, Request& req) {
  const std::int64_t feed_seq = c.feed_position();  // before the reads: no event falls between
  GH_ASSIGN_OR_RETURN(auto claims, Authenticate(c, req));
  GH_ASSIGN_OR_RETURN(store::UserRecord user, c.users.Get(claims->user_id));
  GH_ASSIGN_OR_RETURN(store::SessionRecord session, c.sessions.Get(claims->session_handle));
  // The current ones, from the store: the page shows what a refresh would put in the token.
  GH_ASSIGN_OR_RETURN(std::vector<std::string> current_roles, c.authz.UserRoles(user.id));
  GH_ASSIGN_OR_RETURN(std::vector<std::string> permissions, c.authz.UserPermissions(user.id));
  GH_ASSIGN_OR_RETURN(std::int64_t ver, c.authz.ClaimsVersion(user.id));
  bj::array roles, perms;
  for (const auto& role : current_roles) roles.emplace_back(role);
  for (const auto& perm : permissions) perms.emplace_back(perm);
  Response r = JsonResponse(200, bj::object{{"user", UserJson(user, current_roles, ver)},
                                            {"roles", std::move(roles)},
                                            {"permissions", std::move(perms)},
                                            {"session", SessionJson(session)},
                                            {"feed_seq", feed_seq}});
  r.SetHeader("X-Gatehouse-Front",
              FrontHeader(c, claims->user_id, claims->roles, claims->expires_at_s * 1000));
  return r;
}

Result<Response> MySessions(Context& c, Request& req) {
  GH_ASSIGN_OR_RETURN(auto claims, Authenticate(c, req));
  GH_ASSIGN_OR_RETURN(auto live, c.sessions.ListLive(claims->user_id));
  bj::array out;
  for (const auto& s : live) {
    bj::object json = SessionJson(s);
    json["current"] = s.handle == claims->session_handle;
    out.push_back(std::move(json));
  }
  return JsonResponse(200, bj::object{{"sessions", std::move(out)}});
}

Result<Response> EndMySession(Context& c, Request& req) {
  GH_ASSIGN_OR_RETURN(auto claims, Authenticate(c, req));
  const std::string handle(*req.Param("handle"));
  Result<store::SessionRecord> session = c.sessions.Get(handle);
  if (!session && session.error().code() != ErrorCode::kNotFound) return session.error();
  if (!session || session->user_id != claims->user_id) return NotFound("no such session");
  GH_ASSIGN_OR_RETURN(bool revoked, c.sessions.Revoke(handle, "revoked_by_user"));
  return JsonResponse(200, bj::object{{"revoked", revoked}});
}

Result<Response> RevokeOthers(Context& c, Request& req) {
  GH_ASSIGN_OR_RETURN(auto claims, Authenticate(c, req));
  GH_ASSIGN_OR_RETURN(int n,
                      c.sessions.RevokeAll(claims->user_id, std::string(claims->session_handle),
                                           "revoked_by_user"));
  return JsonResponse(200, bj::object{{"revoked", n}});
}

Result<Response> ChangePassword(Context& c, Request& req) {
  GH_ASSIGN_OR_RETURN(auto claims, Authenticate(c, req));
  GH_ASSIGN_OR_RETURN(JsonBody body, JsonBody::Parse(req, {"current_password", "new_password"}));
  GH_ASSIGN_OR_RETURN(std::string current, body.RequiredString("current_password", 1024));
  GH_ASSIGN_OR_RETURN(std::string next, body.RequiredString("new_password", 1024));
  GH_RETURN_IF_ERROR(c.users.ChangePassword(claims->user_id, claims->session_handle, current, next,
                                            Client(c, req)));
  return JsonResponse(200, bj::object{{"changed", true}});
}

// Wraps a browser handler: anti-CSRF on state-changing methods, no-store, CORS.
Handler Browser(const BrowserOptions& options, Handler handler) {
  return [&options, handler = std::move(handler)](Request& req) {
    Response r = req.method != Method::kGet && !HasCsrfHeader(req)
                     ? ErrorResponse(PermissionDenied("the X-Gatehouse-CSRF: 1 header is required"))
                     : handler(req);
    r.SetHeader("Cache-Control", "no-store");
    AddCors(req, options, r);
    return r;
  };
}

}  // namespace

void AddBrowserRoutes(Router& router, UserService& users, SessionService& sessions,
                      authz::AuthzService& authz, identity::SigninThrottle& refresh_guard,
                      const BrowserOptions& options, std::function<std::int64_t()> feed_position,
                      const Clock& clock) {
  auto c = std::make_shared<Context>(
      Context{users, sessions, authz, refresh_guard, options, std::move(feed_position), clock});
  const RouteOptions blocking{.blocking = true};
  auto add = [&](Method m, const char* path, Result<Response> (*fn)(Context&, Request&)) {
    router.Add(m, path,
               Browser(options, [c, fn](Request& r) { return Answer([&] { return fn(*c, r); }); }),
               blocking);
  };
  add(Method::kPost, "/v1/auth/signup", SignUp);
  add(Method::kPost, "/v1/auth/signin", SignIn);
  router.Add(Method::kPost, "/v1/auth/refresh",
             Browser(options, [c](Request& r) { return Refresh(*c, r); }), blocking);
  router.Add(Method::kPost, "/v1/auth/signout",
             Browser(options, [c](Request& r) { return SignOut(*c, r); }), blocking);
  add(Method::kGet, "/v1/me", Me);
  add(Method::kGet, "/v1/me/sessions", MySessions);
  add(Method::kDelete, "/v1/me/sessions/{handle}", EndMySession);
  add(Method::kPost, "/v1/me/sessions/revoke-others", RevokeOthers);
  add(Method::kPost, "/v1/me/password", ChangePassword);

  // CORS preflight for every browser path.
  for (const char* path :
       {"/v1/auth/signup", "/v1/auth/signin", "/v1/auth/refresh", "/v1/auth/signout", "/v1/me",
        "/v1/me/sessions", "/v1/me/sessions/{handle}", "/v1/me/sessions/revoke-others",
        "/v1/me/password"}) {
    router.Add(Method::kOptions, path, [&options](Request& req) {
      Response r = JsonResponse(200, bj::object{});
      AddCors(req, options, r);
      if (!r.headers.empty()) {
        r.SetHeader("Access-Control-Allow-Methods", "GET, POST, DELETE");
        r.SetHeader("Access-Control-Allow-Headers",
                    "Content-Type, X-Gatehouse-CSRF, X-Gatehouse-Transport, Authorization");
        r.SetHeader("Access-Control-Max-Age", "600");
      }
      return r;
    });
  }
}

}  // namespace gatehouse::http
