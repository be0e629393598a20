#pragma once
// The JWT recipe of the CDI and each app's JWKS:
//
//   POST /recipe/jwt  {payload, validity (s), useStaticSigningKey, algorithm, jwksDomain}
//                     → {jwt} | UNSUPPORTED_ALGORITHM_ERROR (only RS256)
//   GET  /appid-<app>/.well-known/jwks.json  → the app's keys, dynamic and static (no API key)
//
// A JWT is the payload with `iss` (jwksDomain), `iat` and `exp` set, signed by the app's static
// key ("s-…", never rotated) or its current dynamic one ("d-…"). An app's JWKS makes its first
// keys when it has none, so a verifier can fetch it before anything was signed. The bare
// /.well-known/jwks.json is the native API's, which holds the public app's keys.

#include "common/clock.h"
#include "compat/cdi.h"
#include "http/router.h"

namespace gatehouse::compat {

void AddJwtRecipe(http::Router& router, const Gate& gate, Clock& clock);

}  // namespace gatehouse::compat
