#pragma once
// The refresh-token rotation table of DESIGN.md item 3, as a pure decision.
//
//   presented token                                   decision
//   the committed token                               kUseCommitted (new pending child)
//   a pending child of the committed token            kPromote (it becomes committed)
//   a sibling of the committed token within the grace kSibling (new child of the committed)
//   any other token of the session                    kTheft (the session is revoked)
//
// The caller has already checked that the token exists and its session is live.

#include "common/clock.h"
#include "store/records.h"

namespace gatehouse::sessions {

enum class Rotation { kUseCommitted, kPromote, kSibling, kTheft };

// `committed` is the session's committed token record (absent only if the store lost it).
Rotation DecideRotation(const store::RefreshTokenRecord& presented,
                        const store::SessionRecord& session,
                        const store::RefreshTokenRecord* committed, std::int64_t now_ms,
                        Millis grace);

}  // namespace gatehouse::sessions
