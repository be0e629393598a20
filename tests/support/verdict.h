#pragma once
// The API error code (or "ok") that a revocation-state verdict stands for, as
// POST /v1/sessions/verify answers it: for tests that compare a state with the server.

#include <string>

#include "revocation/revocation_state.h"

namespace gatehouse::testing {

inline std::string VerdictCode(revocation::Verdict verdict) {
  switch (verdict) {
    case revocation::Verdict::kRevoked:
      return "unauthorised";
    case revocation::Verdict::kStale:
      return "try_refresh_token";
    case revocation::Verdict::kValid:
      break;
  }
  return "ok";
}

}  // namespace gatehouse::testing
