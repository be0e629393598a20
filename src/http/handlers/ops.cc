#include "http/handlers/ops.h"

#include <boost/json/object.hpp>

namespace gatehouse::http {

void AddOpsRoutes(Router& router, OpsDeps deps) {
  router.Add(Method::kGet, "/healthz", [](Request&) {
    return JsonResponse(200, boost::json::object{{"status", "ok"}});
  });

  router.Add(Method::kGet, "/readyz",
             [ping = deps.store_ping](Request&) {
               Status s = ping();
               if (!s) return ErrorResponse(Unavailable("store not ready: " + s.error().message()));
               return JsonResponse(200, boost::json::object{{"status", "ready"}});
             },
             {.blocking = true});

  router.Add(Method::kGet, "/.well-known/jwks.json", [jwks = deps.jwks_json](Request&) {
    Response r = TextResponse(200, jwks(), "application/json");
    r.SetHeader("Cache-Control", "public, max-age=60");
    return r;
  });

  Handler metrics = [m = deps.metrics](Request&) {
    return TextResponse(200, m->Render(), "text/plain; version=0.0.4");
  };
  router.Add(Method::kGet, "/metrics",
             deps.metrics_public ? metrics : deps.auth->RequireKey(std::move(metrics)));

  router.Add(Method::kGet, "/openapi.json", [](Request&) {
    return TextResponse(200, std::string(OpenApiDocument()), "application/json");
  });
}

}  // namespace gatehouse::http
