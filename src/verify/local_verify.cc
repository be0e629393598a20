#include "verify/local_verify.h"

namespace gatehouse::verify {

Status CheckRevocation(const revocation::RevocationState& state,
                       const tokens::AccessClaims& claims) {
  const std::uint64_t generation = state.generation();
  if (claims.memo.valid_at_generation.load(std::memory_order_relaxed) == generation) {
    return OkStatus();
  }
  const revocation::TokenFacts facts{.user_id = claims.user_id,
                                     .session_handle = claims.session_handle,
                                     .version = claims.version,
                                     .key_id = claims.kid};
  switch (state.Check(facts)) {
    case revocation::Verdict::kRevoked:
      return Unauthenticated("session revoked");
    case revocation::Verdict::kStale:
      return Unauthenticated("the user's claims changed", reason::kTryRefreshToken);
    case revocation::Verdict::kValid:
      claims.memo.valid_at_generation.store(generation, std::memory_order_relaxed);
      break;
  }
  return OkStatus();
}

Result<std::shared_ptr<const tokens::AccessClaims>> VerifyLocal(
    tokens::TokenVerifier& tokens, const revocation::RevocationState& state, std::string_view token,
    SystemTime now) {
  GH_ASSIGN_OR_RETURN(std::shared_ptr<const tokens::AccessClaims> claims,
                      tokens.Verify(token, now));
  GH_RETURN_IF_ERROR(CheckRevocation(state, *claims));
  return claims;
}

}  // namespace gatehouse::verify
