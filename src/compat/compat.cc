#include "compat/compat.h"

#include <boost/json/array.hpp>

#include "compat/cdi.h"
#include "compat/roles_recipe.h"
#include "compat/session_recipe.h"
#include "compat/users_recipe.h"
#include "http/response.h"

namespace gatehouse::compat {

void AddCompatRoutes(http::Router& router, const Services& services) {
  // The SDK's handshake: the versions this face speaks (it keeps the newest it shares).
  AddRoute(router, services.auth, http::Method::kGet, "/apiversion", [](const CdiRequest&) {
    boost::json::array versions;
    for (std::string_view v : kCdiVersions) versions.emplace_back(v);
    return http::JsonResponse(200, boost::json::object{{"versions", std::move(versions)}});
  });
  // The core's health check (its docker image's).
  AddRoute(router, services.auth, http::Method::kGet, "/hello",
           [](const CdiRequest&) { return http::TextResponse(200, "Hello"); },
           {.needs_key = false});
  AddRolesRecipe(router, services.auth, services.authz);
  AddUsersRecipe(router, services.auth, services.users);
  AddSessionRecipe(router, services.auth, services.sessions, services.authz, services.keys,
                   services.clock);
}

}  // namespace gatehouse::compat
