#pragma once
// SecurityPolicy: what each security event does to sessions and live tokens (DESIGN.md item 5),
// in one place. Three rows are configurable; the rest are fixed by design. GET /v1/policy shows
// the table in force.
//
//   event                          sessions                         live access tokens
//   own password change            PASSWORD_CHANGE_ENDS (others)    current one stays
//   admin sets a password          ADMIN_PASSWORD_ENDS (all)        rejected
//   user banned                    all end                          rejected at once
//   user deleted                   all end                          rejected at once
//   roles/permissions/payload      kept                             try_refresh_token
//   signing key revoked            kept                             try_refresh_token
//   refresh-token theft            THEFT_ENDS (session)             rejected at once

#include <string>

#include "common/result.h"

namespace gatehouse::sessions {

enum class EndSessions { kNone, kOthers, kAll };
enum class TheftScope { kSession, kAllOfUser };

struct SecurityPolicy {
  EndSessions own_password_change = EndSessions::kOthers;  // Default: others
  EndSessions admin_password_set = EndSessions::kAll;      // Default: all (but keep_session)
  TheftScope theft = TheftScope::kSession;                 // Default: session

  // The table as JSON for GET /v1/policy.
  std::string TableJson() const;
};

Result<EndSessions> ParseEndSessions(std::string_view text);
Result<TheftScope> ParseTheftScope(std::string_view text);

}  // namespace gatehouse::sessions
