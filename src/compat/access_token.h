#pragma once
// SuperTokens' access-token layout (v5), as the face signs and reads it: a JWS signed with one
// of the face's RS256 "d-" keys, header {"alg":"RS256","typ":"JWT","version":"5","kid"}, claims
//
//   {sub, rsub, tId, sessionHandle, refreshTokenHash1, parentRefreshTokenHash1, antiCsrfToken,
//    iat, exp (seconds), ...the session's userDataInJWT at top level}
//
// where refreshTokenHash1 is the lower-case hex SHA-256 of the refresh token issued with it and
// parentRefreshTokenHash1 that of the token it was refreshed from (null until a refresh issued
// one; an access token that names a parent promotes its refresh token when the face verifies
// it). parentRefreshTokenHash1 and antiCsrfToken are always present, maybe null, as the core
// writes them. The SDK verifies these tokens itself against the JWKS.
//
// Thread-safety: stateless functions.

#include <array>
#include <boost/json/object.hpp>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "tokens/key_ring.h"
#include "tokens/verify_keys.h"

namespace gatehouse::compat {

// The claims the face writes itself; a session's userDataInJWT may not hold them.
inline constexpr std::array<std::string_view, 9> kProtectedClaims = {
    "sub",           "exp", "iat", "sessionHandle", "refreshTokenHash1", "parentRefreshTokenHash1",
    "antiCsrfToken", "tId", "rsub"};

struct StAccessToken {
  std::string user_id;  // sub, and rsub (no linked accounts here)
  std::string tenant = "public";
  std::string session_handle;
  std::string refresh_hash1;
  std::optional<std::string> parent_refresh_hash1;
  std::optional<std::string> anti_csrf;
  boost::json::object payload;  // userDataInJWT
  std::int64_t issued_at_s = 0;
  std::int64_t expires_at_s = 0;
  // Signed by the app's static key ("s-" kid, which never rotates) rather than a dynamic one:
  // the SDK's useDynamicAccessTokenSigningKey = false. Not a claim: read from the kid.
  bool static_key = false;

  bool operator==(const StAccessToken&) const = default;
};

// kInvalidArgument naming the first protected claim `payload` holds, as the core refuses it.
Status CheckUserPayload(const boost::json::object& payload);

// Signs `token` with `key` (active, RS256).
Result<std::string> IssueStAccessToken(const StAccessToken& token, const tokens::SigningKey& key);

// Verifies the signature against one of `keys` (the kid must start "d-" or "s-" and verify now,
// the alg must be the key's) and the layout; with `check_expiry`, that exp has not passed. Every
// failure is kUnauthenticated with reason try_refresh_token: what the core answers for a token
// it cannot use, so that the client refreshes.
Result<StAccessToken> ReadStAccessToken(std::string_view token,
                                        std::initializer_list<const tokens::VerifyKeys*> keys,
                                        SystemTime now, bool check_expiry);

}  // namespace gatehouse::compat
