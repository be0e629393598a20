#pragma once
// ApiAuth: who may call the backend API: `Authorization: Bearer <api key>` against the
// configured keys (constant-time comparison), or a browser session whose user holds the
// permission `gatehouse:admin` (with the anti-CSRF header on state-changing requests when the
// session comes from the cookie). No credentials: 401; a session without the permission: 403.
//
//   router.Add(Method::kPost, "/v1/sessions", auth.Require(CreateSession), {.blocking = true});
//
// Thread-safety: set the admin check before serving; then immutable.

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "http/router.h"

namespace gatehouse::http {

class ApiAuth {
 public:
  explicit ApiAuth(std::vector<std::string> api_keys);

  // True when the request carries one of the keys.
  bool Allows(const Request& request) const;
  // True when `key` is one of the keys (for a face that reads the key from elsewhere).
  bool AllowsKey(std::string_view key) const;
  enum class Admin { kNoSession, kAdmin, kNotAdmin };
  struct AdminCheck {
    Admin result = Admin::kNoSession;
    bool via_cookie = false;
    // kNoSession because the session's token is outdated (try_refresh_token): answered as is, so
    // the console refreshes and retries instead of taking it for signed out.
    std::optional<Error> outdated;
    Request::Principal who;  // for kAdmin and kNotAdmin
  };
  // Decides whether a request carries an admin browser session (reads the store: blocking).
  using AdminHook = std::function<AdminCheck(const Request&)>;
  void SetAdminCheck(AdminHook hook) { admin_ = std::move(hook); }

  // Wraps a handler that runs on the worker pool: an API key or an admin browser session.
  // Both wrappers mark the answer Cache-Control: no-store (unless the handler set its own).
  Handler Require(Handler handler) const;
  // For handlers that run on an io thread: the API key only (no store read for a session).
  Handler RequireKey(Handler handler) const;

 private:
  Response Authorise(const Handler& handler, Request& request) const;
  std::vector<std::string> keys_;
  AdminHook admin_;
};

// The bearer credential of an Authorization header, if any.
std::optional<std::string_view> BearerToken(const Request& request);

}  // namespace gatehouse::http
