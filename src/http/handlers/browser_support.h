#pragma once
// Browser transport (API.md "Browser API", DESIGN.md item 11): cookie names and attributes,
// the anti-CSRF header, CORS for configured origins, and the client IP behind trusted proxies.
//
// Cookies: `gh_access` (Path=/) and `gh_refresh` (Path=/v1/auth/refresh), HttpOnly, SameSite=Lax,
// Secure unless COOKIE_SECURE=false; with Secure and no COOKIE_DOMAIN they are named
// `__Host-gh_access` and `__Secure-gh_refresh` (with a domain: `__Secure-` both).
//
// Thread-safety: BrowserOptions is immutable; functions are stateless.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "http/request.h"
#include "http/response.h"

namespace gatehouse::http {

// An IPv4 or IPv6 network, e.g. "10.0.0.0/8" or "::1/128".
class Cidr {
 public:
  static std::optional<Cidr> Parse(std::string_view text);
  bool Contains(std::string_view ip) const;

 private:
  int family_ = 0;
  unsigned char bytes_[16] = {};
  int prefix_ = 0;
};

struct BrowserOptions {
  bool cookie_secure = true;
  std::string cookie_domain;
  std::vector<std::string> cors_origins;
  std::vector<Cidr> trusted_proxies;

  std::string AccessCookie() const;
  std::string RefreshCookie() const;
};

inline constexpr std::string_view kRefreshPath = "/v1/auth/refresh";
inline constexpr std::string_view kCsrfHeader = "x-gatehouse-csrf";

// A `Set-Cookie` value; max_age_s 0 clears the cookie.
std::string SetCookieValue(const BrowserOptions& o, std::string_view name, std::string_view value,
                           std::string_view path, std::int64_t max_age_s);
// The value of cookie `name`; nullopt when absent, and when it appears more than once (a planted
// duplicate is refused, not guessed at).
std::optional<std::string> CookieValue(const Request& request, std::string_view name);
bool HasCsrfHeader(const Request& request);
// The peer address, or — when the peer is a trusted proxy — the right-most address of
// X-Forwarded-For that is not itself a trusted proxy.
// True when `ip` is in one of the `trusted` networks (a proxy whose forwarding headers count).
bool IsTrusted(std::string_view ip, const std::vector<Cidr>& trusted);
std::string ClientIp(const Request& request, const std::vector<Cidr>& trusted);
// Adds the CORS grant when the request's Origin is one of `origins` (never a wildcard).
void AddCors(const Request& request, const BrowserOptions& o, Response& response);

}  // namespace gatehouse::http
