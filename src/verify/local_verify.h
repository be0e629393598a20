#pragma once
// Local verification: an access token's signature and times (TokenVerifier, with its cache),
// then the revocation state. The one verdict of `local` mode, reached by the same code in every
// process that verifies: the server's own verify path and the client library inside an app.
//
// Thread-safety: safe to call concurrently (both parts are).

#include <memory>
#include <string_view>

#include "common/clock.h"
#include "common/result.h"
#include "revocation/revocation_state.h"
#include "tokens/access_token.h"
#include "tokens/token_verifier.h"

namespace gatehouse::verify {

// The state's verdict on verified claims: kUnauthenticated (unauthorised) for a revoked session
// or banned user, try_refresh_token for outdated claims or a revoked key. A token found valid at
// the state's current generation is not checked again until the state changes.
Status CheckRevocation(const revocation::RevocationState& state,
                       const tokens::AccessClaims& claims);

// TokenVerifier::Verify, then CheckRevocation.
Result<std::shared_ptr<const tokens::AccessClaims>> VerifyLocal(
    tokens::TokenVerifier& tokens, const revocation::RevocationState& state, std::string_view token,
    SystemTime now);

}  // namespace gatehouse::verify
