#include "authz/authz_service.h"

#include <algorithm>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "sessions/claims_source.h"
#include "sessions/session_service.h"

namespace gatehouse::authz {
namespace {

Error BadName(std::string_view what) {
  return InvalidArgument(std::string(what) +
                         " must be 1-128 characters of letters, digits, '_', '.', ':' or '-'");
}

Status Audit(store::Tx& tx, std::string_view type, std::string_view user_id, std::string_view role,
             std::int64_t now) {
  return tx.AppendAudit({.at = now,
                         .type = std::string(type),
                         .user_id = std::string(user_id),
                         .actor = "api",
                         .detail = boost::json::serialize(boost::json::object{{"role", role}})});
}

}  // namespace

bool IsValidName(std::string_view name) {
  return !name.empty() && name.size() <= 128 && std::all_of(name.begin(), name.end(), [](char c) {
    return std::isalnum(static_cast<unsigned char>(c)) || c == '_' || c == '.' || c == ':' ||
           c == '-';
  });
}

Status AuthzService::WriteAndBump(
    const std::function<Status(store::Tx&, std::vector<std::string>&)>& fn) {
  const SystemTime now = clock_.Now();
  return store_.Write([&](store::Tx& tx) -> Status {
    std::vector<std::string> touched;
    GH_RETURN_IF_ERROR(fn(tx, touched));
    std::sort(touched.begin(), touched.end());
    touched.erase(std::unique(touched.begin(), touched.end()), touched.end());
    for (const auto& user : touched) {
      GH_RETURN_IF_ERROR(sessions::BumpClaims(tx, user, now).status());
    }
    return OkStatus();
  });
}

namespace {

// Sorted, without repeats, each a valid name, at most 1,000.
Status Normalise(std::vector<std::string>& permissions) {
  if (permissions.size() > 1000) return InvalidArgument("at most 1,000 permissions per role");
  for (const auto& p : permissions) {
    if (!IsValidName(p)) return BadName("a permission");
  }
  std::sort(permissions.begin(), permissions.end());
  permissions.erase(std::unique(permissions.begin(), permissions.end()), permissions.end());
  return OkStatus();
}

}  // namespace

Result<bool> AuthzService::EditPermissions(
    std::string_view name, bool create,
    const std::function<void(std::vector<std::string>&)>& edit) {
  if (!IsValidName(name)) return BadName("a role name");
  const std::int64_t now = ToUnixMillis(clock_.Now());
  bool created = false;
  GH_RETURN_IF_ERROR(WriteAndBump([&](store::Tx& tx, std::vector<std::string>& touched) -> Status {
    GH_ASSIGN_OR_RETURN(std::optional<store::RoleRecord> before, tx.GetRole(name));
    if (!before && !create) return NotFound("no such role");
    created = !before;
    store::RoleRecord role{std::string(name),
                           before ? before->permissions : std::vector<std::string>{}};
    edit(role.permissions);
    GH_RETURN_IF_ERROR(Normalise(role.permissions));
    if (before && *before == role) return OkStatus();  // nothing changes: nothing to record
    GH_RETURN_IF_ERROR(tx.PutRole(role));
    if (before) {
      GH_ASSIGN_OR_RETURN(touched, tx.RoleUsers(name));
    }
    return Audit(tx, "role_changed", "", name, now);
  }));
  return created;
}

Result<store::RoleRecord> AuthzService::PutRole(std::string_view name,
                                                std::vector<std::string> permissions) {
  GH_RETURN_IF_ERROR(Normalise(permissions));
  GH_RETURN_IF_ERROR(EditPermissions(name, /*create=*/true, [&](std::vector<std::string>& held) {
                       held = permissions;
                     }).status());
  return store::RoleRecord{std::string(name), std::move(permissions)};
}

Result<bool> AuthzService::AddPermissions(std::string_view name,
                                          std::vector<std::string> permissions) {
  GH_RETURN_IF_ERROR(Normalise(permissions));
  return EditPermissions(name, /*create=*/true, [&](std::vector<std::string>& held) {
    held.insert(held.end(), permissions.begin(), permissions.end());
  });
}

Status AuthzService::RemovePermissions(std::string_view name,
                                       std::optional<std::vector<std::string>> permissions) {
  return EditPermissions(name, /*create=*/false,
                         [&](std::vector<std::string>& held) {
                           if (!permissions) {
                             held.clear();
                             return;
                           }
                           std::erase_if(held, [&](const std::string& p) {
                             return std::find(permissions->begin(), permissions->end(), p) !=
                                    permissions->end();
                           });
                         })
      .status();
}

Result<store::RoleRecord> AuthzService::GetRole(std::string_view name) {
  std::optional<store::RoleRecord> role;
  GH_RETURN_IF_ERROR(store_.Read([&](store::Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(role, tx.GetRole(name));
    return OkStatus();
  }));
  if (!role) return NotFound("no such role");
  return std::move(*role);
}

Result<std::vector<store::RoleRecord>> AuthzService::ListRoles() {
  std::vector<store::RoleRecord> roles;
  GH_RETURN_IF_ERROR(store_.Read([&](store::Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(roles, tx.ListRoles());
    return OkStatus();
  }));
  return roles;
}

Status AuthzService::DeleteRole(std::string_view name) {
  const std::int64_t now = ToUnixMillis(clock_.Now());
  return WriteAndBump([&](store::Tx& tx, std::vector<std::string>& touched) -> Status {
    GH_ASSIGN_OR_RETURN(touched, tx.RoleUsers(name));
    GH_ASSIGN_OR_RETURN(bool deleted, tx.DeleteRole(name));
    if (!deleted) return NotFound("no such role");
    return Audit(tx, "role_changed", "", name, now);
  });
}

Result<bool> AuthzService::Grant(std::string_view user_id, std::string_view role) {
  GH_RETURN_IF_ERROR(sessions::CheckUserId(user_id));
  const std::int64_t now = ToUnixMillis(clock_.Now());
  bool added = false;
  GH_RETURN_IF_ERROR(WriteAndBump([&](store::Tx& tx, std::vector<std::string>& touched) -> Status {
    GH_ASSIGN_OR_RETURN(std::optional<store::RoleRecord> found, tx.GetRole(role));
    if (!found) return NotFound("no such role");
    GH_ASSIGN_OR_RETURN(added, tx.GrantRole(user_id, role));
    if (!added) return OkStatus();
    touched.emplace_back(user_id);
    return Audit(tx, "role_granted", user_id, role, now);
  }));
  return added;
}

Result<bool> AuthzService::Remove(std::string_view user_id, std::string_view role) {
  const std::int64_t now = ToUnixMillis(clock_.Now());
  bool removed = false;
  GH_RETURN_IF_ERROR(WriteAndBump([&](store::Tx& tx, std::vector<std::string>& touched) -> Status {
    GH_ASSIGN_OR_RETURN(removed, tx.RemoveRole(user_id, role));
    if (!removed) return OkStatus();
    touched.emplace_back(user_id);
    return Audit(tx, "role_removed", user_id, role, now);
  }));
  return removed;
}

Result<std::vector<std::string>> AuthzService::UserRoles(std::string_view user_id) {
  std::vector<std::string> roles;
  GH_RETURN_IF_ERROR(store_.Read([&](store::Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(roles, tx.UserRoles(user_id));
    return OkStatus();
  }));
  return roles;
}

Result<std::vector<std::string>> AuthzService::RoleUsers(std::string_view role) {
  std::vector<std::string> users;
  GH_RETURN_IF_ERROR(store_.Read([&](store::Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(auto found, tx.GetRole(role));
    if (!found) return NotFound("no such role");
    GH_ASSIGN_OR_RETURN(users, tx.RoleUsers(role));
    return OkStatus();
  }));
  return users;
}

Result<std::vector<std::string>> AuthzService::UserPermissions(std::string_view user_id) {
  std::vector<std::string> permissions;
  GH_RETURN_IF_ERROR(store_.Read([&](store::Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(auto roles, tx.UserRoles(user_id));
    GH_ASSIGN_OR_RETURN(permissions, sessions::PermissionsOf(tx, roles));
    return OkStatus();
  }));
  return permissions;
}

Result<std::int64_t> AuthzService::ClaimsVersion(std::string_view user_id) {
  std::int64_t version = 0;
  GH_RETURN_IF_ERROR(store_.Read([&](store::Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(version, tx.ClaimsVersion(user_id));
    return OkStatus();
  }));
  return version;
}

Result<bool> AuthzService::Check(std::string_view user_id, std::string_view permission) {
  GH_ASSIGN_OR_RETURN(std::vector<std::string> permissions, UserPermissions(user_id));
  return std::binary_search(permissions.begin(), permissions.end(), permission);
}

}  // namespace gatehouse::authz
