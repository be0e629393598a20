#pragma once
// The backend API's user routes (API.md "Users"), behind the API key:
//   POST   /v1/users                    {email, password}           201 {user}
//   GET    /v1/users?email=&limit=&cursor=                          {users, next}
//   GET    /v1/users/{id}                                           {user}
//   DELETE /v1/users/{id}               deletes, ends every session {deleted: true}
//   POST   /v1/users/{id}/password      {password, keep_session?}  {revoked: N}
//   POST   /v1/users/{id}/ban           {reason?}  ends every session   {revoked: N}
//   DELETE /v1/users/{id}/ban                                       {unbanned: bool}
//   GET    /v1/audit?user_id=&after=&limit=                         {entries, next}

#include "authz/authz_service.h"
#include "http/handlers/api_auth.h"
#include "http/router.h"
#include "identity/user_service.h"

namespace gatehouse::http {

struct UserRouteDeps {
  identity::UserService& users;
  sessions::SessionService& sessions;
  authz::AuthzService& authz;
  store::Store& store;
};

void AddUserRoutes(Router& router, UserRouteDeps deps, const ApiAuth& auth);

}  // namespace gatehouse::http
