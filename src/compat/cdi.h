#pragma once
// What every handler of the SuperTokens core-driver-interface face (CDI 5.4) shares: the path
// forms of its routes, its API-key check, its answers. DESIGN.md "compat"; the wire protocol is
// written up in ../shared/research/supertokens-cdi.md.
//
//   AddRoute(router, gate, Method::kGet, "/recipe/roles", [&](const CdiRequest& r) { ... });
//
// Paths: a CDI path may follow `/appid-<app>`, then `/<tenant>` (both optional; the defaults are
// `public`). AddRoute registers the handler under every form. An app that does not exist
// (apps.h), or a tenant other than `public`, answers the core's 400 `AppId or tenantId not
// found => …`; a tenant on an app-wide path, or two prefixes without an app, 404 `Not found`.
// Checks, in the core's order: the `cdi-version` header, when sent, names a version this face
// speaks (else 400); the API key — `api-key: K`, `Authorization: Bearer K` or `Authorization: K`
// — is one of the app's own `api_keys` when it has some, else one of the server's, unless the
// server runs with CDI_OPEN (a core without api_keys; loopback only) (else 401 `Invalid API
// key`).
// Answers: every business outcome is HTTP 200 with a `status` string (Ok, Outcome); bad input
// is 400 with plain text ending in a newline, as the core's are (BadInput); an error of the
// store is the native JSON error (503 unavailable).
//
// Thread-safety: handlers run concurrently on the worker pool; the apps are thread-safe.

#include <boost/json/object.hpp>
#include <functional>
#include <string>
#include <string_view>

#include "compat/apps.h"
#include "http/handlers/api_auth.h"
#include "http/handlers/json_body.h"
#include "http/router.h"

namespace gatehouse::compat {

// The CDI versions this face speaks (GET /apiversion).
inline constexpr std::string_view kCdiVersions[] = {"5.3", "5.4"};

// What every route's checks read; copied into each route (the references outlive the router).
struct Gate {
  const http::ApiAuth& auth;
  Apps& apps;
  bool open = false;  // CDI_OPEN: no API key needed where the app has none of its own
};

struct CdiRequest {
  http::Request& http;
  App& app;
  std::string tenant = "public";
};

using CdiHandler = std::function<http::Response(const CdiRequest&)>;

struct CdiRouteOptions {
  bool tenant_scoped = false;  // the path may carry /<tenant>
  bool needs_key = true;       // /hello and the JWKS are public
  bool prefixed_only = false;  // the bare path is the native API's (the JWKS)
};

void AddRoute(http::Router& router, const Gate& gate, http::Method method, std::string_view path,
              CdiHandler handler, CdiRouteOptions options = {});

// A store error as the native API answers it; anything else the service refused as 400.
http::Response Failure(const Error& error);

// Runs `fn` (returning Result<http::Response>); an error becomes its answer through Failure.
template <typename Fn>
http::Response Answer(Fn&& fn) {
  Result<http::Response> r = fn();
  return r ? std::move(r).value() : Failure(r.error());
}

// 200 {"status":"OK", ...members}.
http::Response Ok(boost::json::object members = {});
// 200 {"status": status} (a business outcome other than OK, e.g. UNKNOWN_ROLE_ERROR).
http::Response Outcome(std::string_view status);
// 400 with the core's plain-text form of the message.
http::Response BadInput(std::string_view message);

// The JSON body, or the 400 the core gives for one it cannot read.
Result<http::JsonBody> Body(const CdiRequest& request);
// A string member (`trim`: without surrounding spaces, which must leave it non-empty), or the
// core's 400 text for a missing or empty one.
Result<std::string> StringField(const http::JsonBody& body, std::string_view name,
                                bool trim = false);
// A query parameter, or the core's 400 text for a missing one.
Result<std::string> QueryField(const CdiRequest& request, std::string_view name, bool trim = false);

}  // namespace gatehouse::compat
