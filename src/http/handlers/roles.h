#pragma once
// The backend API's roles and permissions (API.md "Roles and permissions"), behind the API key:
//   PUT    /v1/roles/{role}             {permissions: [..]}  {role}  (creates or replaces)
//   GET    /v1/roles                                          {roles}
//   GET    /v1/roles/{role}                                   {role}
//   DELETE /v1/roles/{role}                                   {deleted: true}
//   GET    /v1/roles/{role}/users                             {users}
//   PUT    /v1/users/{id}/roles/{role}                        {granted: bool}
//   DELETE /v1/users/{id}/roles/{role}                        {removed: bool}
//   GET    /v1/users/{id}/roles                               {roles}
//   GET    /v1/users/{id}/permissions                         {permissions}
//   POST   /v1/authz/check              {user_id, permission}  {allowed}

#include "authz/authz_service.h"
#include "http/handlers/api_auth.h"
#include "http/router.h"

namespace gatehouse::http {

void AddRoleRoutes(Router& router, authz::AuthzService& authz, const ApiAuth& auth);

}  // namespace gatehouse::http
