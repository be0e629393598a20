#pragma once
// The userroles recipe of the CDI (its ten calls) over AuthzService. Roles and their permissions
// are app-wide; a grant names the tenant in its path (only `public` exists). Names are trimmed,
// as the core trims them; Gatehouse's name rule (1-128 of [A-Za-z0-9_.:-]) still applies, so a
// role with a space is refused with 400 where the core would take it.
//
//   PUT  /recipe/role                    {role, permissions?}  → {createdNewRole}
//   POST /recipe/role/remove             {role}                → {didRoleExist}
//   PUT  /<t>/recipe/user/role           {userId, role}        → {didUserAlreadyHaveRole} |
//   UNKNOWN_ROLE_ERROR POST /<t>/recipe/user/role/remove    {userId, role}        →
//   {didUserHaveRole} | UNKNOWN_ROLE_ERROR GET  /<t>/recipe/user/roles?userId= → {roles} GET
//   /<t>/recipe/role/users?role=                          → {users} | UNKNOWN_ROLE_ERROR GET
//   /recipe/role/permissions?role=                        → {permissions} | UNKNOWN_ROLE_ERROR POST
//   /recipe/role/permissions/remove {role, permissions?}  → {} | UNKNOWN_ROLE_ERROR GET
//   /recipe/permission/roles?permission=                  → {roles} GET  /recipe/roles → {roles}

#include "authz/authz_service.h"
#include "compat/cdi.h"
#include "http/router.h"

namespace gatehouse::compat {

void AddRolesRecipe(http::Router& router, const Gate& gate, authz::AuthzService& authz);

}  // namespace gatehouse::compat
