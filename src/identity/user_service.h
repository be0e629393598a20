#pragma once
// UserService: email+password accounts (DESIGN.md items 1, 5, 12): sign-up, sign-in with
// throttling and constant-cost failures, password change and reset, lookup, deletion.
//
// Sign-in costs one Argon2id verification whether or not the email exists (a dummy hash stands
// in for unknown emails), a throttled attempt learns nothing about its password, and a banned
// user hears `user_banned` only after giving the correct password. Hashes made with older
// Argon2 parameters are replaced at the next successful sign-in. Every sign-in, sign-up,
// password change and throttle is audited (never with a password or token).
//
// Ownership: borrows everything it is given. Thread-safety: all methods are safe to call
// concurrently; they block on Argon2 and the store (worker threads only).

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/fixed_pool.h"
#include "common/random.h"
#include "crypto/argon2.h"
#include "identity/signin_throttle.h"
#include "sessions/session_service.h"
#include "store/store.h"

namespace gatehouse::identity {

struct SignedIn {
  store::UserRecord user;
  sessions::IssuedSession session;
};

struct ClientInfo {
  std::string ip;
  std::string user_agent;
};

struct UserPage {
  std::vector<store::UserRecord> users;
  std::string next_cursor;  // empty on the last page
};

class UserService {
 public:
  struct Deps {
    store::Store& store;
    sessions::SessionService& sessions;
    SigninThrottle& throttle;
    Clock& clock;
    RandomSource& random;
    crypto::Argon2Params argon2;
  };
  explicit UserService(Deps deps);

  // `id_prefix`: the new id starts with it (a face's namespace, compat/apps.h).
  Result<store::UserRecord> Create(std::string_view email, std::string_view password,
                                   std::string_view actor = "api", std::string_view id_prefix = {});
  Result<store::UserRecord> Get(std::string_view id);
  // By exact email when `email` is set; else those whose email starts with `prefix` (any case)
  // in email order, or every user by id when it is empty. `cursor`: from the previous page.
  Result<UserPage> List(std::string_view email, std::string_view prefix, std::string_view cursor,
                        int limit);
  // Users in the order they joined, of ids starting with `id_prefix` (a face's namespace), and
  // how many there are.
  Result<std::vector<store::UserRecord>> ListByAge(
      std::string_view id_prefix, bool newest_first,
      const std::optional<store::Tx::UserCursor>& after, int limit);
  Result<std::int64_t> Count(std::string_view id_prefix);
  // A new email for the account (kAlreadyExists when another has it, kNotFound if unknown).
  Status UpdateEmail(std::string_view user_id, std::string_view email);
  // Deletes the user and ends every session (kNotFound if unknown).
  Status Delete(std::string_view id);

  Result<SignedIn> SignUp(std::string_view email, std::string_view password,
                          const ClientInfo& client);
  Result<SignedIn> SignIn(std::string_view email, std::string_view password,
                          const ClientInfo& client);
  // SignUp and SignIn without the session, for a face whose client creates the session with a
  // call of its own (the SuperTokens face): the same checks, throttles, constant cost and audit.
  // With an empty `client.ip` (that face's caller is the application's server, not the person)
  // only the account is throttled, never the one address every request comes from.
  Result<store::UserRecord> Register(std::string_view email, std::string_view password,
                                     const ClientInfo& client, std::string_view id_prefix = {});
  Result<store::UserRecord> CheckCredentials(std::string_view email, std::string_view password,
                                             const ClientInfo& client);
  // The user's own change: checks the current password, ends every other session.
  Status ChangePassword(std::string_view user_id, std::string_view session_handle,
                        std::string_view current, std::string_view next, const ClientInfo& client);
  // An admin's reset: ends every session but `keep_session`. Returns sessions ended.
  Result<int> SetPassword(std::string_view user_id, std::string_view password,
                          const std::optional<std::string>& keep_session);

  Status Audit(std::string_view type, std::string_view user_id, std::string_view session,
               std::string_view actor, const ClientInfo& client, std::string detail = "{}");

 private:
  // SignIn up to the session: the user whose password this is.
  Result<store::UserRecord> Authenticate(std::string_view email, std::string_view password,
                                         const ClientInfo& client);
  Result<std::string> Hash(std::string_view password);
  // kUnavailable (with retry_after) when the hashing pool's queue is full.
  Result<bool> Verify(std::string_view phc, std::string_view password);
  // Argon2 computations that may wait per core; more are refused at once (503).
  static constexpr unsigned kMaxWaitingHashes = 32;

  store::Store& store_;
  sessions::SessionService& sessions_;
  SigninThrottle& throttle_;
  Clock& clock_;
  RandomSource& random_;
  const crypto::Argon2Params argon2_;
  std::string dummy_hash_;  // verified against for unknown emails
  // Argon2 runs on one thread per core, callers served in arrival order: more at once would
  // only thrash the caches with 19 MiB working sets, and waiting callers sleep rather than spin.
  std::unique_ptr<FixedPool> hashing_;
};

}  // namespace gatehouse::identity
