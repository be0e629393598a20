#pragma once
// ClaimsSource: where the session service learns what an access token says about its user
// beyond the session (roles, permissions, claims version). Read inside the same transaction as
// the session change, so a token never mixes two states. Until roles exist this is the empty one.
//
// Thread-safety: implementations are safe to call concurrently.

#include <optional>
#include <string>
#include <vector>

#include "common/result.h"
#include "store/store.h"

namespace gatehouse::sessions {

struct UserClaims {
  std::int64_t version = 0;
  std::vector<std::string> roles;
  std::optional<std::vector<std::string>> permissions;
};

class ClaimsSource {
 public:
  virtual ~ClaimsSource() = default;
  virtual Result<UserClaims> Load(store::Tx& tx, std::string_view user_id) = 0;
};

// The user's roles, claims version and (when asked for) permissions, from the store.
class StoreClaimsSource final : public ClaimsSource {
 public:
  explicit StoreClaimsSource(bool include_permissions = false)
      : include_permissions_(include_permissions) {}
  Result<UserClaims> Load(store::Tx& tx, std::string_view user_id) override;

 private:
  bool include_permissions_;
};

// The union of the permissions of `roles`, sorted.
Result<std::vector<std::string>> PermissionsOf(store::Tx& tx,
                                               const std::vector<std::string>& roles);

}  // namespace gatehouse::sessions
