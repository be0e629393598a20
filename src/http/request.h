#pragma once
// Request: what a handler sees of an HTTP request. Built by http/server/server.cc from the wire; no
// Beast types, so handlers stay pure functions from Request to Response and tests can build
// requests by hand.
//
// Thread-safety: a plain value.

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace gatehouse::http {

enum class Method { kGet, kHead, kPost, kPut, kPatch, kDelete, kOptions, kOther };

std::string_view MethodName(Method method);
Method ParseMethod(std::string_view name);

struct Request {
  Method method = Method::kGet;
  std::string target;                                        // as received: path and query
  std::string path;                                          // percent-decoded path, no query
  std::map<std::string, std::string> query;                  // decoded; last value wins
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;
  std::string peer_ip;                        // the TCP peer
  std::map<std::string, std::string> params;  // from the route pattern, e.g. {handle}
  // The matched route's pattern ("/v1/sessions/{handle}"), set by Router::Find; empty when no
  // route matched. Points into the Router, which outlives every request it routes.
  std::string_view route;
  // The browser session that authorised a backend call in place of an API key (set by ApiAuth):
  // a long answer (an event stream) ends when that session does.
  struct Principal {
    std::string user_id;
    std::string session_handle;
    std::int64_t token_expires_at_ms = 0;  // the access token's exp
    std::string kid;                       // the key that signed it
  };
  std::optional<Principal> principal;

  // The first header with this lower-case name.
  std::optional<std::string_view> Header(std::string_view lower_name) const;
  std::optional<std::string_view> Query(std::string_view name) const;
  std::optional<std::string_view> Param(std::string_view name) const;
};

// Splits a request target into a decoded path and query map. False for a malformed target
// (bad percent-escape, no leading '/', NUL bytes).
bool ParseTarget(std::string_view target, std::string& path,
                 std::map<std::string, std::string>& query);

// Percent-decodes one raw path segment into `out` ('+' stays '+'). False for a bad escape or a
// NUL byte. The router matches decoded segments, so "%2F" inside an id never splits it.
bool DecodePathSegment(std::string_view segment, std::string& out);

}  // namespace gatehouse::http
