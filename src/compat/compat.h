#pragma once
// The SuperTokens core-driver-interface face on the native API's port: the routes a
// supertokens-node SDK pointed at Gatehouse calls, each a thin translation to the same services
// the native API uses (no second implementation). So far: GET /apiversion, GET /hello, the
// userroles recipe (all ten calls), the emailpassword and user calls (users_recipe.h) and the
// first calls of the session recipe (session_recipe.h).
// docs/supertokens.md lists what is served.
//
// Ownership: borrows the services and the API-key check, which outlive the router.

#include <chrono>
#include <string_view>

#include "authz/authz_service.h"
#include "http/handlers/api_auth.h"
#include "http/router.h"
#include "identity/user_service.h"
#include "keys/key_manager.h"
#include "sessions/session_service.h"

namespace gatehouse::compat {

// SuperTokens' defaults for what the face signs: access tokens live an hour, signed by RS256
// keys named "d-<created ms>" that rotate every 168 hours (its `access_token_validity` and
// `access_token_dynamic_signing_key_update_interval`).
inline constexpr std::chrono::seconds kAccessTokenValidity{3600};
inline constexpr std::chrono::hours kKeyRotationInterval{168};
inline constexpr std::string_view kKidPrefix = "d-";

struct Services {
  authz::AuthzService& authz;
  identity::UserService& users;
  sessions::SessionService& sessions;
  keys::KeyManager& keys;  // the face's RS256 "d-" family
  Clock& clock;
  const http::ApiAuth& auth;
};

// Adds the face's routes. Call after every native route: a path both could match is native.
void AddCompatRoutes(http::Router& router, const Services& services);

}  // namespace gatehouse::compat
