#pragma once
// The session recipe of the CDI over SessionService: sessions made through the face are native
// sessions (the same rows, rotation, revocation, bans, listing, events), with access tokens in
// SuperTokens' layout (access_token.h) signed by the face's RS256 "d-" keys (made at the first
// session the face creates).
//
//   POST /<t>/recipe/session        {userId, userDataInJWT, userDataInDatabase, enableAntiCsrf}
//                                   → {session, accessToken, refreshToken, antiCsrfToken?}
//   POST /recipe/session/verify     {accessToken, antiCsrfToken?, doAntiCsrfCheck, enableAntiCsrf,
//                                    checkDatabase} → {session} | TRY_REFRESH_TOKEN | UNAUTHORISED
//   POST /recipe/session/refresh    {refreshToken, antiCsrfToken?, enableAntiCsrf}
//                                   → {session, accessToken, refreshToken, antiCsrfToken?}
//                                   | UNAUTHORISED | TOKEN_THEFT_DETECTED {session}
//   POST /[<t>/]recipe/session/remove {sessionHandles} | {userId} → {sessionHandlesRevoked}
//   POST /recipe/session/regenerate {accessToken, userDataInJWT} → {session, accessToken?}
//   PUT  /recipe/session/data       {sessionHandle, userDataInDatabase} → {} | UNAUTHORISED
//   PUT  /recipe/jwt/data           {sessionHandle, userDataInJWT} → {} | UNAUTHORISED
//   GET  /recipe/session?sessionHandle=          → the session | UNAUTHORISED
//   GET  /[<t>/]recipe/session/user?userId=      → {sessionHandles} (live ones)
//
// Verify with checkDatabase reads the session's row: a revoked session or a banned user is
// refused at once (the core would still accept a token of a session it did not know was
// revoked). The anti-CSRF token is derived from the refresh token (a hash of it), so nothing
// more is stored; VIA_TOKEN checks compare it with the token's claim.
//
// Refresh is the native rotation (DESIGN.md item 3, which is SuperTokens' own); a reused
// superseded token ends the session at once, before the SDK asks for it.
//
// Verify promotes: an access token that names a parent refresh token (issued by a refresh) makes
// its own refresh token the committed one and gets a token without a parent, so the SDK asks no
// more. With checkDatabase, the SDK's role claims (st-role, st-perm) in the payload are compared
// with the user's current roles and permissions; when they differ they are rewritten and a new
// token goes back at once.

#include "authz/authz_service.h"
#include "compat/cdi.h"
#include "http/router.h"
#include "sessions/session_service.h"

namespace gatehouse::compat {

void AddSessionRecipe(http::Router& router, const Gate& gate, sessions::SessionService& sessions,
                      authz::AuthzService& authz, Clock& clock);

}  // namespace gatehouse::compat
