#pragma once
// AuthzService: roles with permissions, user↔role grants, and permission checks (DESIGN.md
// item 7, API.md "Roles and permissions").
//
// Every change that alters what a user's token says — granting or removing a role, replacing or
// deleting a role (for every holder) — bumps each affected user's claims version in the same
// transaction and appends a claims_changed event, so their older tokens answer
// try_refresh_token at once and the refresh carries the new roles. Check() always reads the
// current state from the store, never a token. The events reach the revocation state through
// the feed (the store hands it each commit's events); this service never touches the state.
//
// Ownership: borrows everything. Thread-safety: safe to call concurrently (blocks on the store).

#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "store/store.h"

namespace gatehouse::authz {

// The permission the backend API and the console accept in place of an API key, and the role
// `gatehouse users create --admin` grants it through.
inline constexpr const char* kAdminPermission = "gatehouse:admin";
inline constexpr const char* kAdminRole = "gatehouse-admin";

class AuthzService {
 public:
  AuthzService(store::Store& store, Clock& clock) : store_(store), clock_(clock) {}

  // Creates or replaces a role. Names: 1-128 bytes of [A-Za-z0-9_.:-]; permissions likewise,
  // at most 1,000. Returns the role as stored.
  Result<store::RoleRecord> PutRole(std::string_view name, std::vector<std::string> permissions);
  // Adds permissions to a role, creating it when it does not exist (true: created). One
  // transaction, so two additions at once both land.
  Result<bool> AddPermissions(std::string_view name, std::vector<std::string> permissions);
  // Removes these permissions from a role (nullopt: all of them). kNotFound when there is no role.
  Status RemovePermissions(std::string_view name,
                           std::optional<std::vector<std::string>> permissions);
  Result<store::RoleRecord> GetRole(std::string_view name);
  Result<std::vector<store::RoleRecord>> ListRoles();
  Status DeleteRole(std::string_view name);

  // kNotFound when the role does not exist. True when the grant changed something.
  Result<bool> Grant(std::string_view user_id, std::string_view role);
  Result<bool> Remove(std::string_view user_id, std::string_view role);
  Result<std::vector<std::string>> UserRoles(std::string_view user_id);
  Result<std::vector<std::string>> RoleUsers(std::string_view role);
  Result<std::vector<std::string>> UserPermissions(std::string_view user_id);
  Result<std::int64_t> ClaimsVersion(std::string_view user_id);
  Result<bool> Check(std::string_view user_id, std::string_view permission);

 private:
  // Runs `fn` in a write transaction; every user id it adds to `touched` gets its claims version
  // bumped (with its claims_changed event) in the same transaction.
  Status WriteAndBump(const std::function<Status(store::Tx&, std::vector<std::string>&)>& fn);
  // Replaces the role's permissions by what `edit` makes of them (validated, sorted, unique), in
  // one transaction; bumps the holders when they changed. `create`: a missing role starts empty
  // (else kNotFound). True when the role was created.
  Result<bool> EditPermissions(std::string_view name, bool create,
                               const std::function<void(std::vector<std::string>&)>& edit);

  store::Store& store_;
  Clock& clock_;
};

bool IsValidName(std::string_view name);

}  // namespace gatehouse::authz
