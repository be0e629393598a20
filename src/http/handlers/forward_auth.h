#pragma once
// GET /v1/auth/check: forward authentication for nginx `auth_request` and Traefik `forwardAuth`.
// The access token comes from the access cookie or `Authorization: Bearer`; it is verified
// `local` (signature, expiry, revocation state, claims version) on the io thread. 200 with
// X-Gatehouse-User, X-Gatehouse-Session and X-Gatehouse-Roles (comma-separated), else 401.

#include "http/handlers/browser_support.h"
#include "http/router.h"
#include "sessions/session_service.h"

namespace gatehouse::http {

void AddForwardAuthRoute(Router& router, sessions::SessionService& sessions,
                         const BrowserOptions& options);

}  // namespace gatehouse::http
