#pragma once
// Access tokens: the JWTs Gatehouse issues for a session, and their full verification.
//
// Header {"alg", "kid", "typ": "at+jwt"}; claims {iss, sub (user id), sid (session handle),
// iat, exp, ver (the user's claims version), roles, perms?} plus the session's custom
// access-payload claims at top level. Verification (RFC 8725): strict JWS parse, `typ` must be
// at+jwt, `kid` must name a key of the key set that can still verify, `alg` must be that key's
// algorithm, signature, `iss` equal to ours, `iat`/`nbf`/`exp` within the leeway.
//
// Thread-safety: stateless functions; AccessClaims is immutable once built and shared.

#include <array>
#include <atomic>
#include <boost/json/object.hpp>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "tokens/access_claims.h"
#include "tokens/key_ring.h"
#include "tokens/verify_keys.h"

namespace gatehouse::tokens {

// Claim names a session's access payload may not use.
inline constexpr std::array<std::string_view, 11> kReservedClaims = {
    "iss", "sub", "aud", "exp", "nbf", "iat", "jti", "sid", "ver", "roles", "perms"};
bool IsReservedClaim(std::string_view name);

inline constexpr std::string_view kAccessTokenType = "at+jwt";

struct AccessTokenSpec {
  std::string user_id;
  std::string session_handle;
  std::int64_t version = 0;
  std::vector<std::string> roles;
  std::optional<std::vector<std::string>> permissions;  // `perms` only when set
  boost::json::object custom;  // access payload; must hold no reserved claim
  SystemTime issued_at;
  SystemTime expires_at;
};

struct VerifierOptions {
  std::string issuer;                       // expected `iss`
  Millis leeway = std::chrono::seconds(5);  // Default: 5s (CLOCK_LEEWAY)
};

// Signs a token with `key` (which must be active). kInvalidArgument for a reserved custom claim.
Result<std::string> IssueAccessToken(const AccessTokenSpec& spec, const SigningKey& key,
                                     std::string_view issuer);

// Full verification without any cache. Errors are kUnauthenticated; the reason is
// try_refresh_token for an expired token or one signed by a revoked key.
Result<std::shared_ptr<const AccessClaims>> VerifyAccessToken(std::string_view token,
                                                              const VerifyKeys& keys,
                                                              const VerifierOptions& options,
                                                              SystemTime now);

// Everything VerifyAccessToken checks but the token's times (iat, nbf, exp): a genuine token of
// ours, however old. Grants nothing; sign-out uses it to find the session an expired token
// names (ASVS 3.3.1).
Result<std::shared_ptr<const AccessClaims>> VerifyAccessTokenAnyTime(std::string_view token,
                                                                     const VerifyKeys& keys,
                                                                     const VerifierOptions& options,
                                                                     SystemTime now);

// The time checks alone (used again on cache hits): expired → try_refresh_token.
Status CheckExpiry(std::int64_t expires_at_s, Millis leeway, SystemTime now);

}  // namespace gatehouse::tokens
