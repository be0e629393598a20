#pragma once
// The emailpassword recipe and the user calls of the CDI over UserService, and the tenant reply
// the SDK's own sign-up and sign-in APIs ask for first:
//
//   POST /<t>/recipe/signup   {email, password} → {user, recipeUserId}
//                             | EMAIL_ALREADY_EXISTS_ERROR
//   POST /<t>/recipe/signin   {email, password} → {user, recipeUserId} | WRONG_CREDENTIALS_ERROR
//   GET  /user/id?userId=     → {user} | UNKNOWN_USER_ID_ERROR
//   GET  /<t>/users/by-accountinfo?email=  → {users}
//   GET  /<t>/users?limit=&timeJoinedOrder=&paginationToken=&email=
//                             → {users, nextPaginationToken?} (join order; email: a prefix)
//   GET  /<t>/users/count     → {count}
//   PUT  /recipe/user         {recipeUserId, email?, password?} → {} | UNKNOWN_USER_ID_ERROR
//                             | EMAIL_ALREADY_EXISTS_ERROR | PASSWORD_POLICY_VIOLATED_ERROR
//   POST /user/remove         {userId} → {} (whether or not it existed)
//   GET  /<t>/recipe/multitenancy/tenant/v2  → the public tenant, every factor allowed
//
// A user is the core's USER object (CDI 5.3+): one emailpassword login method, never primary.
// Sign-in and sign-up take the native checks: the password policy (400 with its reason where
// the core would take any password), the throttle (here per account only: every request comes
// from the application's server), Argon2id, and the ban — a banned user's right password answers
// WRONG_CREDENTIALS_ERROR (the core knows no bans; the SDK shows a failed sign-in).

#include "compat/cdi.h"
#include "http/router.h"
#include "identity/account_tokens.h"
#include "identity/user_service.h"

namespace gatehouse::compat {

void AddUsersRecipe(http::Router& router, const Gate& gate, identity::UserService& users,
                    identity::AccountTokens& tokens);

}  // namespace gatehouse::compat
