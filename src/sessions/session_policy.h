#pragma once
// SessionPolicy: the lifetimes and limits the session service enforces (from Config).

#include "common/clock.h"
#include "sessions/security_policy.h"

namespace gatehouse::sessions {

struct SessionPolicy {
  Millis access_token_ttl = std::chrono::minutes(10);         // ACCESS_TOKEN_TTL
  double access_token_jitter = 0.05;                          // up to 5 % shorter, at random
  Millis refresh_token_ttl = std::chrono::hours(24 * 14);     // inactivity: REFRESH_TOKEN_TTL
  Millis session_absolute_ttl = std::chrono::hours(24 * 30);  // SESSION_ABSOLUTE_TTL
  Millis refresh_grace = std::chrono::seconds(30);            // REFRESH_GRACE
  int max_sessions_per_user = 0;                              // 0: no cap
  int refresh_tokens_kept = 16;  // superseded/pending tokens kept per session for theft detection
  // Pending children one committed refresh token may have at once. Refreshing with the committed
  // token (or a sibling) once more is treated as theft: the session ends (RFC 9700 4.14: the
  // victim's pending token is never pushed out by a flood of the thief's).
  int pending_children_cap = 16;
  Millis clock_leeway = std::chrono::seconds(5);  // CLOCK_LEEWAY
  SecurityPolicy security;                        // DESIGN.md item 5
  // `local` verification answers 503 once the feed has not read the store for this long.
  Millis feed_staleness_bound = std::chrono::seconds(5);  // FEED_STALENESS_BOUND

  // How long after its issue an access token can still be accepted.
  Millis MaxAccessTokenLifetime() const { return access_token_ttl + clock_leeway; }
};

}  // namespace gatehouse::sessions
