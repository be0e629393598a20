#pragma once
// The browser API (API.md "Browser API"): sign-up, sign-in, refresh, sign-out, /v1/me and the
// user's own sessions and password, with cookie transport, anti-CSRF, CORS and security headers.
//
//   POST   /v1/auth/signup                 {email, password}   201 {user} + cookies
//   POST   /v1/auth/signin                 {email, password}   {user} + cookies
//   POST   /v1/auth/refresh                (refresh cookie)    {user_id, expires_at} + cookies
//   POST   /v1/auth/signout                                    {signed_out} + cleared cookies
//   GET    /v1/me                                              {user, roles, permissions, session}
//   GET    /v1/me/sessions                                     {sessions: [... current]}
//   DELETE /v1/me/sessions/{handle}                            {revoked}
//   POST   /v1/me/sessions/revoke-others                       {revoked: N}
//   POST   /v1/me/password   {current_password, new_password}  {changed: true}
//
// Every state-changing request (sign-up and sign-in included) needs `X-Gatehouse-CSRF: 1`
// (else 403) and a JSON body (else 415). Header transport for non-browser clients: send
// `X-Gatehouse-Transport: header` and the tokens come back in the body instead of cookies;
// authenticate with `Authorization: Bearer <access token>`, refresh with {refresh_token}.

#include <functional>

#include "authz/authz_service.h"
#include "common/clock.h"
#include "http/handlers/browser_support.h"
#include "http/router.h"
#include "identity/signin_throttle.h"
#include "identity/user_service.h"

namespace gatehouse::http {

// `refresh_guard` counts refresh attempts with a token the server does not accept, per client
// IP; once it trips, /v1/auth/refresh answers 429 (guessing refresh tokens is throttled).
// `authz` answers /v1/me's roles and permissions from the store (always current).
// `feed_position`: the feed's head, answered in /v1/me as `feed_seq` so a page opens
// /v1/me/events from now (`?after=feed_seq`) instead of replaying the retained log.
// `clock`: the server's time, sent in X-Gatehouse-Front as `now` so that a page whose clock is
// off still refreshes on time.
void AddBrowserRoutes(Router& router, identity::UserService& users,
                      sessions::SessionService& sessions, authz::AuthzService& authz,
                      identity::SigninThrottle& refresh_guard, const BrowserOptions& options,
                      std::function<std::int64_t()> feed_position, const Clock& clock);

}  // namespace gatehouse::http
