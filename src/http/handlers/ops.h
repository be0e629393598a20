#pragma once
// Operations routes:
//   GET /healthz                the process serves
//   GET /readyz                 the store answers (503 otherwise)
//   GET /.well-known/jwks.json  every public key that can still verify a token
//   GET /metrics                Prometheus text (public on a loopback LISTEN, else API key)
//   GET /openapi.json           the OpenAPI 3.1 description of every route

#include <functional>
#include <string>

#include "common/result.h"
#include "http/handlers/api_auth.h"
#include "http/metrics.h"
#include "http/router.h"

namespace gatehouse::http {

struct OpsDeps {
  std::function<std::string()> jwks_json;  // the current JWK Set document
  std::function<Status()> store_ping;      // for /readyz (blocking)
  const Metrics* metrics = nullptr;
  bool metrics_public = true;
  const ApiAuth* auth = nullptr;  // for /metrics when not public
};

void AddOpsRoutes(Router& router, OpsDeps deps);

// The OpenAPI document served at /openapi.json (docs/openapi.json, embedded at build time).
std::string_view OpenApiDocument();

}  // namespace gatehouse::http
