#pragma once
// Password reset and email verification of the CDI over AccountTokens (one-time tokens stored
// as hashes; identity/account_tokens.h), in the app's namespace:
//
//   POST /<t>/recipe/user/password/reset/token          {userId, email} → {token}
//                                                        | UNKNOWN_USER_ID_ERROR
//   POST /<t>/recipe/user/password/reset/token/consume  {token} → {userId, email}
//                                                        | RESET_PASSWORD_INVALID_TOKEN_ERROR
//   POST /<t>/recipe/user/email/verify/token            {userId, email} → {token}
//                                                        | EMAIL_ALREADY_VERIFIED_ERROR
//   POST /<t>/recipe/user/email/verify                  {method: "token", token} → {userId, email}
//                                                        | EMAIL_VERIFICATION_INVALID_TOKEN_ERROR
//   GET  /recipe/user/email/verify?userId=&email=       → {isVerified}
//   POST /<t>/recipe/user/email/verify/token/remove     {userId, email} → {}
//   POST /recipe/user/email/verify/remove               {userId, email} → {}
//
// As in the core, consuming a reset token does not change the password (the SDK then sends PUT
// /recipe/user); a password change by any road ends the user's reset tokens.
// Lifetimes: a reset token one hour, a verification token one day (the core's defaults).

#include "compat/cdi.h"
#include "http/router.h"
#include "identity/account_tokens.h"
#include "identity/user_service.h"

namespace gatehouse::compat {

void AddEmailTokensRecipe(http::Router& router, const Gate& gate, identity::UserService& users,
                          identity::AccountTokens& tokens);

}  // namespace gatehouse::compat
