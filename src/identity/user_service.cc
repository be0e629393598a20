#include "identity/user_service.h"

#include <algorithm>
#include <thread>

#include "crypto/base64url.h"
#include "identity/account_tokens.h"
#include "identity/credentials.h"
#include "runtime/log.h"

namespace gatehouse::identity {
namespace {

using store::Tx;
using store::UserRecord;

Error WrongCredentials() { return Unauthenticated("wrong email or password"); }

}  // namespace

UserService::UserService(Deps deps)
    : store_(deps.store),
      sessions_(deps.sessions),
      throttle_(deps.throttle),
      clock_(deps.clock),
      random_(deps.random),
      argon2_(deps.argon2),
      hashing_(
          std::make_unique<FixedPool>(std::thread::hardware_concurrency(),
                                      kMaxWaitingHashes * std::thread::hardware_concurrency())) {
  dummy_hash_ = Hash(crypto::Base64UrlEncode(random_.Bytes(16))).value();
}

namespace {

Error HashingBusy() {
  Error busy = Unavailable("too many password checks at once; try again shortly");
  busy.WithField("retry_after", "1");
  return busy;
}

}  // namespace

Result<std::string> UserService::Hash(std::string_view password) {
  auto hashed = hashing_->TryRun([&] { return crypto::Argon2idHash(password, argon2_, random_); });
  if (!hashed) return HashingBusy();
  return std::move(*hashed);
}

Result<bool> UserService::Verify(std::string_view phc, std::string_view password) {
  const std::optional<bool> ok =
      hashing_->TryRun([&] { return crypto::Argon2idVerify(phc, password); });
  if (!ok) return HashingBusy();
  return *ok;
}

Status UserService::Audit(std::string_view type, std::string_view user_id, std::string_view session,
                          std::string_view actor, const ClientInfo& client, std::string detail) {
  const std::int64_t now = ToUnixMillis(clock_.Now());
  return store_.Write([&](Tx& tx) {
    return tx.AppendAudit({.at = now,
                           .type = std::string(type),
                           .user_id = std::string(user_id),
                           .session_handle = std::string(session),
                           .actor = std::string(actor),
                           .ip = client.ip,
                           .detail = std::move(detail)});
  });
}

Result<UserRecord> UserService::Create(std::string_view email, std::string_view password,
                                       std::string_view actor, std::string_view id_prefix) {
  GH_ASSIGN_OR_RETURN(std::string normalised, NormaliseEmail(email));
  GH_RETURN_IF_ERROR(CheckPasswordPolicy(password));
  GH_ASSIGN_OR_RETURN(std::string hash, Hash(password));
  UserRecord user{.id = std::string(id_prefix) + crypto::Base64UrlEncode(random_.Bytes(16)),
                  .email = std::move(normalised),
                  .password_hash = std::move(hash),
                  .created_at = ToUnixMillis(clock_.Now())};
  GH_RETURN_IF_ERROR(store_.Write([&](Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(auto existing, tx.GetUserByEmail(user.email));
    if (existing) return AlreadyExists("email already registered");
    GH_RETURN_IF_ERROR(tx.InsertUser(user));
    return tx.AppendAudit({.at = user.created_at,
                           .type = "signup",
                           .user_id = user.id,
                           .actor = std::string(actor),
                           .detail = "{}"});
  }));
  return user;
}

Result<UserRecord> UserService::Get(std::string_view id) {
  std::optional<UserRecord> user;
  GH_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(user, tx.GetUser(id));
    return OkStatus();
  }));
  if (!user) return NotFound("no such user");
  return std::move(*user);
}

Result<UserPage> UserService::List(std::string_view email, std::string_view prefix,
                                   std::string_view cursor, int limit) {
  UserPage page;
  if (!email.empty()) {
    Result<std::string> normalised = NormaliseEmail(email);
    if (!normalised) return page;  // no user can have an invalid email
    GH_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> Status {
      GH_ASSIGN_OR_RETURN(auto user, tx.GetUserByEmail(*normalised));
      if (user) page.users.push_back(std::move(*user));
      return OkStatus();
    }));
    return page;
  }
  const std::string lowered = NormaliseEmailPrefix(prefix);
  GH_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(page.users, tx.ListUsers(lowered, cursor, limit + 1));
    return OkStatus();
  }));
  if (static_cast<int>(page.users.size()) > limit) {
    page.users.resize(static_cast<std::size_t>(limit));
    page.next_cursor = lowered.empty() ? page.users.back().id : page.users.back().email;
  }
  return page;
}

Result<std::vector<UserRecord>> UserService::ListByAge(std::string_view id_prefix,
                                                       bool newest_first,
                                                       const std::optional<Tx::UserCursor>& after,
                                                       int limit) {
  std::vector<UserRecord> users;
  GH_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(users, tx.ListUsersByAge(id_prefix, newest_first, after, limit));
    return OkStatus();
  }));
  return users;
}

Result<std::int64_t> UserService::Count(std::string_view id_prefix) {
  std::int64_t count = 0;
  GH_RETURN_IF_ERROR(store_.Read([&](Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(count, tx.CountUsers(id_prefix));
    return OkStatus();
  }));
  return count;
}

Status UserService::UpdateEmail(std::string_view user_id, std::string_view email) {
  GH_ASSIGN_OR_RETURN(std::string normalised, NormaliseEmail(email));
  return store_.Write([&](Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(std::optional<UserRecord> user, tx.GetUser(user_id));
    if (!user) return NotFound("no such user");
    if (user->email == normalised) return OkStatus();
    GH_ASSIGN_OR_RETURN(auto existing, tx.GetUserByEmail(normalised));
    if (existing) return AlreadyExists("email already registered");
    user->email = normalised;
    GH_RETURN_IF_ERROR(tx.UpdateUser(*user));
    return tx.AppendAudit({.at = ToUnixMillis(clock_.Now()),
                           .type = "email_changed",
                           .user_id = user->id,
                           .actor = "api",
                           .detail = "{}"});
  });
}

Status UserService::Delete(std::string_view id) {
  // The user and every session go in one transaction: no crash in between leaves sessions of a
  // deleted user, and a sign-in racing the deletion fails its credential check.
  return sessions_
      .RevokeAll(id, std::nullopt, "user_deleted",
                 [&](Tx& tx) -> Status {
                   GH_ASSIGN_OR_RETURN(bool deleted, tx.DeleteUser(id));
                   if (!deleted) return NotFound("no such user");
                   return OkStatus();
                 })
      .status();
}

namespace {

// Sets the account's password hash on its current row, inside `tx`.
std::function<Status(Tx&)> SetHash(const std::string& user_id, const std::string& hash,
                                   const std::optional<std::string>& expected = std::nullopt) {
  return [user_id, hash, expected](Tx& tx) -> Status {
    GH_ASSIGN_OR_RETURN(std::optional<UserRecord> current, tx.GetUser(user_id));
    if (!current) return NotFound("no such user");
    if (expected && current->password_hash != *expected) {
      return FailedPrecondition("the password changed meanwhile");
    }
    current->password_hash = hash;
    // A reset link sent before the change must not set the password after it.
    GH_RETURN_IF_ERROR(tx.DeleteOneTimeTokens(user_id, kPasswordReset));
    return tx.UpdateUser(*current);
  };
}

}  // namespace

Result<UserRecord> UserService::Register(std::string_view email, std::string_view password,
                                         const ClientInfo& client, std::string_view id_prefix) {
  if (client.ip.empty())
    return Create(email, password, "user", id_prefix);  // no address to count against
  // Every sign-up counts against the address, as a failed sign-in does: finding out which
  // emails are registered (409) is no easier here than there, and the hashing work a flood
  // can queue is bounded.
  const std::string ip_key = "signup-ip:" + client.ip;
  Result<SigninThrottle::Slot> slot = throttle_.Acquire({ip_key});
  if (!slot) {
    (void)Audit("signup_throttled", "", "", "user", client);
    return slot.error();
  }
  Result<UserRecord> created = Create(email, password, "user", id_prefix);
  throttle_.Finish(*slot, /*success=*/false);
  return created;
}

Result<SignedIn> UserService::SignUp(std::string_view email, std::string_view password,
                                     const ClientInfo& client) {
  GH_ASSIGN_OR_RETURN(UserRecord user, Register(email, password, client));
  GH_ASSIGN_OR_RETURN(
      sessions::IssuedSession session,
      sessions_.Create({.user_id = user.id, .device = {client.user_agent, client.ip}}));
  return SignedIn{std::move(user), std::move(session)};
}

Result<UserRecord> UserService::Authenticate(std::string_view email, std::string_view password,
                                             const ClientInfo& client) {
  // An address that cannot exist still takes the same path, so its answer costs the same.
  Result<std::string> valid = NormaliseEmail(email);
  const std::string normalised = valid ? *valid : std::string();
  const std::string account_key = "email:" + normalised;
  std::vector<std::string> keys{account_key};
  if (!client.ip.empty()) keys.push_back("ip:" + client.ip);
  Result<SigninThrottle::Slot> slot = throttle_.Acquire(keys);
  if (!slot) {
    (void)Audit("signin_throttled", "", "", "user", client);
    return slot.error();
  }
  std::optional<UserRecord> user;
  Status read = store_.Read([&](Tx& tx) -> Status {
    if (normalised.empty()) return OkStatus();
    GH_ASSIGN_OR_RETURN(user, tx.GetUserByEmail(normalised));
    return OkStatus();
  });
  if (!read) return read.error();  // not the caller's failure: the slot is released as neither
  const Result<bool> verified = Verify(user ? user->password_hash : dummy_hash_, password);
  if (!verified) return verified.error();  // the pool is full: not the caller's failure
  const bool ok = *verified && user.has_value();
  throttle_.Finish(*slot, ok, account_key);
  if (!ok) {
    (void)Audit("signin_failed", user ? user->id : "", "", "user", client);
    return WrongCredentials();
  }
  if (user->banned) {
    (void)Audit("signin_failed", user->id, "", "user", client, R"({"reason":"banned"})");
    return Error(ErrorCode::kPermissionDenied, "this account is banned", reason::kUserBanned);
  }
  if (crypto::Argon2idNeedsRehash(user->password_hash, argon2_)) {
    // Only over the hash that was verified: a change that committed meanwhile is kept.
    if (Result<std::string> rehashed = Hash(password);
        rehashed && store_.Write(SetHash(user->id, *rehashed, user->password_hash))) {
      user->password_hash = std::move(*rehashed);
    }
  }
  return std::move(*user);
}

Result<UserRecord> UserService::CheckCredentials(std::string_view email, std::string_view password,
                                                 const ClientInfo& client) {
  GH_ASSIGN_OR_RETURN(UserRecord user, Authenticate(email, password, client));
  GH_RETURN_IF_ERROR(Audit("signin_succeeded", user.id, "", "user", client));
  return user;
}

Result<SignedIn> UserService::SignIn(std::string_view email, std::string_view password,
                                     const ClientInfo& client) {
  GH_ASSIGN_OR_RETURN(UserRecord found, Authenticate(email, password, client));
  std::optional<UserRecord> user(std::move(found));
  GH_ASSIGN_OR_RETURN(sessions::IssuedSession session,
                      sessions_.Create({.user_id = user->id,
                                        .device = {client.user_agent, client.ip},
                                        .audit = store::AuditRecord{.type = "signin_succeeded",
                                                                    .user_id = user->id,
                                                                    .actor = "user",
                                                                    .ip = client.ip},
                                        .credential = user->password_hash}));
  return SignedIn{std::move(*user), std::move(session)};
}

Status UserService::ChangePassword(std::string_view user_id, std::string_view session_handle,
                                   std::string_view current, std::string_view next,
                                   const ClientInfo& client) {
  GH_ASSIGN_OR_RETURN(UserRecord user, Get(user_id));
  const std::string key = "password:" + user.id;
  GH_ASSIGN_OR_RETURN(SigninThrottle::Slot slot, throttle_.Acquire({key}));
  const Result<bool> verified = Verify(user.password_hash, current);
  throttle_.Finish(slot, !verified || *verified, key);
  if (!verified) return verified.error();
  if (!*verified) return Unauthenticated("the current password is wrong");
  GH_RETURN_IF_ERROR(CheckPasswordPolicy(next));
  GH_ASSIGN_OR_RETURN(const std::string hash, Hash(next));
  // The new hash and the end of the other sessions commit together.
  const auto set = SetHash(user.id, hash, user.password_hash);
  switch (sessions_.policy().security.own_password_change) {
    case sessions::EndSessions::kNone:
      GH_RETURN_IF_ERROR(store_.Write(set));
      break;
    case sessions::EndSessions::kOthers:
      GH_RETURN_IF_ERROR(
          sessions_.RevokeAll(user.id, std::string(session_handle), "password_changed", set)
              .status());
      break;
    case sessions::EndSessions::kAll:
      GH_RETURN_IF_ERROR(
          sessions_.RevokeAll(user.id, std::nullopt, "password_changed", set).status());
      break;
  }
  return Audit("password_changed", user.id, session_handle, "user", client);
}

Result<int> UserService::SetPassword(std::string_view user_id, std::string_view password,
                                     const std::optional<std::string>& keep_session) {
  GH_RETURN_IF_ERROR(CheckPasswordPolicy(password));
  GH_ASSIGN_OR_RETURN(UserRecord user, Get(user_id));
  GH_ASSIGN_OR_RETURN(const std::string hash, Hash(password));
  const auto set = SetHash(user.id, hash);
  int ended = 0;
  if (sessions_.policy().security.admin_password_set != sessions::EndSessions::kNone) {
    GH_ASSIGN_OR_RETURN(ended, sessions_.RevokeAll(user.id, keep_session, "password_set", set));
  } else {
    GH_RETURN_IF_ERROR(store_.Write(set));
  }
  GH_RETURN_IF_ERROR(Audit("password_changed", user.id, keep_session.value_or(""), "api", {},
                           R"({"by":"admin"})"));
  return ended;
}

}  // namespace gatehouse::identity
