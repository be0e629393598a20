#pragma once
// The backend API's user routes (API.md "Users"), behind the API key:
//   POST   /v1/users                    {email, password}           201 {user}
//   GET    /v1/users?email=&limit=&cursor=                          {users, next}
//   GET    /v1/users/{id}                                           {user}
//   DELETE /v1/users/{id}               deletes, ends every session {deleted: true}
//   POST   /v1/users/{id}/password      {password, keep_session?}  {revoked: N}
//   GET    /v1/audit?user_id=&after=&limit=                         {entries, next}

#include "http/handlers/api_auth.h"
#include "http/router.h"
#include "identity/user_service.h"

namespace gatehouse::http {

void AddUserRoutes(Router& router, identity::UserService& users, store::Store& store,
                   const ApiAuth& auth);

}  // namespace gatehouse::http
