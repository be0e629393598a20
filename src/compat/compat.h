#pragma once
// The SuperTokens core-driver-interface face on the native API's port: the routes a
// supertokens-node SDK pointed at Gatehouse calls, each a thin translation to the same services
// the native API uses (no second implementation). So far: GET /apiversion, GET /hello, the
// userroles recipe (all ten calls), the emailpassword and user calls (users_recipe.h), the
// session recipe (session_recipe.h), and the apps of the multitenancy recipe (apps.h): PUT
// /recipe/multitenancy/app/v2, POST /recipe/multitenancy/app/remove, each app's JWKS.
// docs/supertokens.md lists what is served.
//
// Ownership: borrows the services and the API-key check, which outlive the router.

#include "authz/authz_service.h"
#include "compat/apps.h"
#include "http/handlers/api_auth.h"
#include "http/router.h"
#include "identity/account_tokens.h"
#include "identity/user_service.h"
#include "sessions/session_service.h"

namespace gatehouse::compat {

struct Services {
  authz::AuthzService& authz;
  identity::UserService& users;
  identity::AccountTokens& tokens;
  sessions::SessionService& sessions;
  Apps& apps;  // the namespaces, each with its RS256 keys
  Clock& clock;
  const http::ApiAuth& auth;
  bool open = false;  // CDI_OPEN
};

// Adds the face's routes. Call after every native route: a path both could match is native.
void AddCompatRoutes(http::Router& router, const Services& services);

}  // namespace gatehouse::compat
