#include "compat/compat.h"

#include <spdlog/spdlog.h>

#include <boost/json/array.hpp>

#include "compat/cdi.h"
#include "compat/email_tokens_recipe.h"
#include "compat/jwt_recipe.h"
#include "compat/roles_recipe.h"
#include "compat/session_recipe.h"
#include "compat/unknown_calls.h"
#include "compat/users_recipe.h"
#include "http/response.h"

namespace gatehouse::compat {
namespace {

namespace bj = boost::json;
using http::Method;
using http::Response;

// The apps of the multitenancy recipe (apps.h), as the SDK's test harness makes them.
void AddAppRoutes(http::Router& router, const Gate& gate) {
  Apps& apps = gate.apps;
  AddRoute(router, gate, Method::kPut, "/recipe/multitenancy/app/v2", [&apps](const CdiRequest& r) {
    return Answer([&]() -> Result<Response> {
      GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
      if (!r.app.is_public()) return BadInput("Apps can only be created from the public app");
      GH_ASSIGN_OR_RETURN(std::string id, StringField(body, "appId", /*trim=*/true));
      bj::object core_config;
      if (const bj::value* c = body.object().if_contains("coreConfig"); c && !c->is_null()) {
        if (!c->is_object()) return BadInput("Field name 'coreConfig' is invalid in JSON input");
        core_config = c->as_object();
      }
      GH_ASSIGN_OR_RETURN(AppConfig config, ParseCoreConfig(core_config));
      GH_ASSIGN_OR_RETURN(bool created, apps.Put(id, std::move(config)));
      return Ok({{"createdNew", created}});
    });
  });
  AddRoute(router, gate, Method::kPost, "/recipe/multitenancy/app/remove",
           [&apps](const CdiRequest& r) {
             return Answer([&]() -> Result<Response> {
               GH_ASSIGN_OR_RETURN(http::JsonBody body, Body(r));
               if (!r.app.is_public())
                 return BadInput("Apps can only be removed from the public app");
               GH_ASSIGN_OR_RETURN(std::string id, StringField(body, "appId", /*trim=*/true));
               GH_ASSIGN_OR_RETURN(bool existed, apps.Remove(id));
               return Ok({{"didExist", existed}});
             });
           });
}

}  // namespace

void AddCompatRoutes(http::Router& router, const Services& services) {
  const Gate gate{.auth = services.auth, .apps = services.apps, .open = services.open};
  // The SDK's handshake: the versions this face speaks (it keeps the newest it shares).
  AddRoute(router, gate, Method::kGet, "/apiversion", [](const CdiRequest&) {
    bj::array versions;
    for (std::string_view v : kCdiVersions) versions.emplace_back(v);
    return http::JsonResponse(200, bj::object{{"versions", std::move(versions)}});
  });
  // The core's health check (its docker image's).
  AddRoute(router, gate, Method::kGet, "/hello",
           [](const CdiRequest&) { return http::TextResponse(200, "Hello"); },
           {.needs_key = false});
  AddAppRoutes(router, gate);
  AddJwtRecipe(router, gate, services.clock);
  AddRolesRecipe(router, gate, services.authz);
  AddUsersRecipe(router, gate, services.users, services.tokens);
  AddEmailTokensRecipe(router, gate, services.users, services.tokens);
  AddSessionRecipe(router, gate, services.sessions, services.authz, services.clock);
  router.OnUnmatched(
      [calls = std::make_shared<UnknownCalls>(services.clock)](const http::Request& request) {
        if (std::string line = calls->Note(request); !line.empty()) spdlog::warn("{}", line);
      });
}

}  // namespace gatehouse::compat
