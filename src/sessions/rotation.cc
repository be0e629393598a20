#include "sessions/rotation.h"

namespace gatehouse::sessions {

Rotation DecideRotation(const store::RefreshTokenRecord& presented,
                        const store::SessionRecord& session,
                        const store::RefreshTokenRecord* committed, std::int64_t now_ms,
                        Millis grace) {
  if (presented.hash == session.refresh_hash) return Rotation::kUseCommitted;
  if (presented.state != store::RefreshState::kPending) return Rotation::kTheft;
  if (presented.parent_hash == session.refresh_hash) return Rotation::kPromote;
  const bool sibling = committed != nullptr && !committed->parent_hash.empty() &&
                       presented.parent_hash == committed->parent_hash;
  // A grace of 0 is strict RFC 9700 rotation: no sibling is ever accepted, not even in the
  // millisecond of the promotion.
  if (sibling && grace.count() > 0 && now_ms <= session.refresh_promoted_at + grace.count()) {
    return Rotation::kSibling;
  }
  return Rotation::kTheft;
}

}  // namespace gatehouse::sessions
