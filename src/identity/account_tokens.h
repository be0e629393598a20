#pragma once
// AccountTokens: one-time tokens that prove a person reads an email (a password reset, an email
// verification), and the emails a user has verified. A token is 32 random bytes (base64url),
// stored only as its SHA-256, valid once and until it expires; taking it is one statement, so
// of two requests racing with one token only one succeeds.
//
//   AccountTokens tokens({store, clock, random});
//   std::string t = *tokens.Issue(kPasswordReset, user_id, email, std::chrono::hours(1));
//   Result<store::OneTimeTokenRecord> r = tokens.Consume(kPasswordReset, t);  // kNotFound after
//
// Consuming one ends the user's other tokens of its kind; any password change ends the user's
// password-reset tokens (UserService), and deleting the user ends all of them.
//
// Ownership: borrows everything it is given (all must outlive it).
// Thread-safety: all methods are safe to call concurrently; they block on the store.

#include <chrono>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "store/store.h"

namespace gatehouse::identity {

inline constexpr std::string_view kPasswordReset = "password_reset";
inline constexpr std::string_view kEmailVerification = "email_verification";

class AccountTokens {
 public:
  struct Deps {
    store::Store& store;
    Clock& clock;
    RandomSource& random;
  };
  explicit AccountTokens(Deps deps);

  // A new token of `kind` for the user and email, valid for `ttl`.
  Result<std::string> Issue(std::string_view kind, std::string_view user_id, std::string_view email,
                            std::chrono::milliseconds ttl);
  // Whose tokens a caller may take (a face's namespace): another's is unknown to it, and stays.
  using Owns = std::function<bool(std::string_view user_id)>;
  // The token's record, once: kNotFound when it is unknown, used, expired or of another kind.
  Result<store::OneTimeTokenRecord> Consume(std::string_view kind, std::string_view token,
                                            const Owns& owns = nullptr);
  // Ends the user's tokens of `kind`.
  Status Revoke(std::string_view user_id, std::string_view kind);

  // Email verification: a consumed email_verification token marks its email verified.
  Result<store::OneTimeTokenRecord> VerifyEmail(std::string_view token, const Owns& owns = nullptr);
  Status SetEmailVerified(std::string_view user_id, std::string_view email, bool verified);
  Result<bool> IsEmailVerified(std::string_view user_id, std::string_view email);
  // The same for many (user id, email) pairs, in one read.
  using UserEmail = std::pair<std::string, std::string>;
  Result<std::vector<bool>> AreEmailsVerified(const std::vector<UserEmail>& pairs);

 private:
  // Takes the token of `kind` and runs `then` (if set) in the same transaction.
  using AndThen = std::function<Status(store::Tx&, const store::OneTimeTokenRecord&)>;
  Result<store::OneTimeTokenRecord> Take(std::string_view kind, std::string_view token,
                                         const Owns& owns, const AndThen& then);

  store::Store& store_;
  Clock& clock_;
  RandomSource& random_;
};

}  // namespace gatehouse::identity
