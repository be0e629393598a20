#include "sessions/claims_source.h"

#include <algorithm>

namespace gatehouse::sessions {

Result<std::vector<std::string>> PermissionsOf(store::Tx& tx,
                                               const std::vector<std::string>& roles) {
  std::vector<std::string> permissions;
  for (const auto& name : roles) {
    GH_ASSIGN_OR_RETURN(std::optional<store::RoleRecord> role, tx.GetRole(name));
    if (role)
      permissions.insert(permissions.end(), role->permissions.begin(), role->permissions.end());
  }
  std::sort(permissions.begin(), permissions.end());
  permissions.erase(std::unique(permissions.begin(), permissions.end()), permissions.end());
  return permissions;
}

Result<UserClaims> StoreClaimsSource::Load(store::Tx& tx, std::string_view user_id) {
  GH_ASSIGN_OR_RETURN(store::ClaimsRecord stored, tx.GetClaims(user_id));
  UserClaims claims{.version = stored.version, .roles = std::move(stored.roles)};
  if (include_permissions_) {
    GH_ASSIGN_OR_RETURN(claims.permissions, PermissionsOf(tx, claims.roles));
  }
  return claims;
}

}  // namespace gatehouse::sessions
