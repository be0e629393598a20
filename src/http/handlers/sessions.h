#pragma once
// The backend API's session routes (API.md "Sessions"), all behind the API key:
//   POST   /v1/sessions                      create            201 {session, access_token,
//   refresh_token} POST   /v1/sessions/verify               verify            {user_id,
//   session_handle, roles, claims} POST   /v1/sessions/refresh              refresh           same
//   shape as create GET    /v1/sessions/{handle}             get               {session} DELETE
//   /v1/sessions/{handle}             revoke            {revoked} PATCH  /v1/sessions/{handle}
//   update            {session} GET    /v1/users/{id}/sessions           list live {sessions}
//   DELETE /v1/users/{id}/sessions?except=   revoke all        {revoked: N}
//   PATCH  /v1/users/{id}/access-payload     merge payload     {updated: N}

#include "http/handlers/api_auth.h"
#include "http/router.h"
#include "sessions/session_service.h"

namespace gatehouse::http {

void AddSessionRoutes(Router& router, sessions::SessionService& sessions, const ApiAuth& auth);

}  // namespace gatehouse::http
