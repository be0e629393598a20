#pragma once
// Store: the persistence interface of Gatehouse. One implementation per backend
// (store/sqlite, store/postgres — both over store/sql; store/memory for unit tests), all
// passing one contract suite (store/store_contract_test.cc).
//
// Domain logic (refresh rotation, revocation) lives in the services; the store offers
// transactions over plain records:
//
//   Status s = store.Write([&](Tx& tx) -> Status {
//     GH_ASSIGN_OR_RETURN(auto session, tx.GetSession(handle));
//     ...
//     return tx.UpdateSession(*session);
//   });
//
// A Write commits entirely or not at all and is durable when it returns OK. Writes behave as if
// they ran one at a time: a row a callback reads and then changes cannot change under it (SQLite
// has one writer, which may commit writes that arrive together in one group commit; PostgreSQL
// locks the rows a write transaction reads). A callback that returns an error is rolled back
// alone. Backend failures are kUnavailable (the caller answers 503).
//
// A callback may run more than once: PostgreSQL runs a transaction again after a deadlock or a
// serialization failure, and only the last run commits. Callbacks must therefore be safe to
// re-run — assign their results, never accumulate them across runs, and do nothing outside the
// Tx that a second run would repeat. After a Tx method fails, return its error: the transaction
// is over on PostgreSQL.
// The plain writes whose outcome a callback only passes on (InsertSession, UpdateSession, the
// refresh-token writes, AppendAudit) may report their error late: PostgreSQL pipelines them,
// so the error — kNotFound for an update that finds no row included — comes from the next Tx
// method that reads, or from the Write itself at commit. Never branch on such a write's error
// inside the callback; the Write's result is what counts.
// Every method blocks: call them from worker threads, never from an io thread.
//
// Thread-safety: implementations are safe to call concurrently.

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/result.h"
#include "store/records.h"

namespace gatehouse::store {

// The operations of one transaction. Valid only inside the callback that received it.
class Tx {
 public:
  virtual ~Tx() = default;

  // Sessions.
  virtual Result<std::optional<SessionRecord>> GetSession(std::string_view handle) = 0;
  // kAlreadyExists when the handle is taken.
  virtual Status InsertSession(const SessionRecord& session) = 0;
  // Replaces the row with this handle; kNotFound when there is none. A session's user_id and
  // created_at are fixed at insert: a record that changes them is kNotFound too.
  virtual Status UpdateSession(const SessionRecord& session) = 0;
  // Sessions of a user that are neither revoked nor expired at `now`, newest first.
  virtual Result<std::vector<SessionRecord>> ListLiveSessions(std::string_view user_id,
                                                              std::int64_t now) = 0;

  // Users. InsertUser: kAlreadyExists when the id or email is taken.
  virtual Status InsertUser(const UserRecord& user) = 0;
  virtual Result<std::optional<UserRecord>> GetUser(std::string_view id) = 0;
  virtual Result<std::optional<UserRecord>> GetUserByEmail(std::string_view email) = 0;
  // Replaces the row with this id; kNotFound when there is none.
  virtual Status UpdateUser(const UserRecord& user) = 0;
  // True when a row was deleted.
  virtual Result<bool> DeleteUser(std::string_view id) = 0;
  // At most `limit` users. With an empty `email_prefix`: ordered by id, after the id `after`.
  // Otherwise those whose email starts with it, ordered by email, after the email `after`
  // (both walk an index: a page costs the same at any size).
  virtual Result<std::vector<UserRecord>> ListUsers(std::string_view email_prefix,
                                                    std::string_view after, int limit) = 0;

  // Bans by user id (Gatehouse users or an application's own ids). A banned user's UserRecord
  // reads `banned = true`.
  virtual Status PutBan(std::string_view user_id, std::string_view reason, std::int64_t at) = 0;
  virtual Result<bool> DeleteBan(std::string_view user_id) = 0;
  virtual Result<bool> IsBanned(std::string_view user_id) = 0;

  // Roles and grants. PutRole inserts or replaces. DeleteRole also removes its grants.
  virtual Status PutRole(const RoleRecord& role) = 0;
  virtual Result<std::optional<RoleRecord>> GetRole(std::string_view name) = 0;
  virtual Result<std::vector<RoleRecord>> ListRoles() = 0;
  virtual Result<bool> DeleteRole(std::string_view name) = 0;
  // True when the grant was added (false: already held).
  virtual Result<bool> GrantRole(std::string_view user_id, std::string_view role) = 0;
  // True when a grant was removed.
  virtual Result<bool> RemoveRole(std::string_view user_id, std::string_view role) = 0;
  virtual Result<std::vector<std::string>> UserRoles(std::string_view user_id) = 0;  // sorted
  virtual Result<std::vector<std::string>> RoleUsers(std::string_view role) = 0;     // sorted
  // The user's claims version (0 when never bumped), and a bump that returns the new one.
  virtual Result<std::int64_t> ClaimsVersion(std::string_view user_id) = 0;
  virtual Result<std::int64_t> BumpClaimsVersion(std::string_view user_id) = 0;
  // ClaimsVersion and UserRoles at once (one statement where the backend can).
  virtual Result<ClaimsRecord> GetClaims(std::string_view user_id) {
    ClaimsRecord claims;
    GH_ASSIGN_OR_RETURN(claims.version, ClaimsVersion(user_id));
    GH_ASSIGN_OR_RETURN(claims.roles, UserRoles(user_id));
    return claims;
  }

  // Refresh tokens.
  virtual Result<std::optional<RefreshTokenRecord>> GetRefreshToken(std::string_view hash) = 0;
  // The token with this hash, its session — both read as GetRefreshToken and GetSession read
  // them, so locked in a write — and whether the session's user is banned: what a refresh
  // decides on, in one statement where the backend can. nullopt: no such token, or no session.
  virtual Result<std::optional<RefreshStart>> GetRefreshStart(std::string_view hash) {
    using Found = std::optional<RefreshStart>;
    GH_ASSIGN_OR_RETURN(std::optional<RefreshTokenRecord> token, GetRefreshToken(hash));
    if (!token) return Found();
    GH_ASSIGN_OR_RETURN(std::optional<SessionRecord> session, GetSession(token->session_handle));
    if (!session) return Found();
    GH_ASSIGN_OR_RETURN(bool banned, IsBanned(session->user_id));
    return Found(
        RefreshStart{.token = std::move(*token), .session = std::move(*session), .banned = banned});
  }
  virtual Status InsertRefreshToken(const RefreshTokenRecord& token) = 0;
  // Replaces the row with this hash; kNotFound when there is none.
  virtual Status UpdateRefreshToken(const RefreshTokenRecord& token) = 0;
  // Pending tokens of the session whose parent is `parent_hash` (children of that token).
  virtual Result<int> CountPendingChildren(std::string_view session_handle,
                                           std::string_view parent_hash) = 0;
  // Deletes the session's tokens beyond the `keep` newest, except the committed token and every
  // token whose parent is one of `protected_parents` (the committed token's pending children and
  // its siblings, which the rotation table may still accept: flooding cannot push them out).
  virtual Status TrimRefreshTokens(std::string_view session_handle, int keep,
                                   const std::vector<std::string>& protected_parents) = 0;

  // Users in the order they joined (created_at, then id), oldest or newest first, of ids that
  // start with `id_prefix`, after the user `after` (created_at, id) when set.
  struct UserCursor {
    std::int64_t created_at = 0;
    std::string id;
  };
  virtual Result<std::vector<UserRecord>> ListUsersByAge(std::string_view id_prefix,
                                                         bool newest_first,
                                                         const std::optional<UserCursor>& after,
                                                         int limit) = 0;
  virtual Result<std::int64_t> CountUsers(std::string_view id_prefix) = 0;

  // One-time tokens. TakeOneTimeToken deletes the token and returns it (nullopt when unknown),
  // in one statement: of two takers, one gets it. DeleteOneTimeTokens removes the user's tokens
  // of `kind`; PruneOneTimeTokens those expired by `now`. DeleteUser removes the user's too.
  virtual Status PutOneTimeToken(const OneTimeTokenRecord& token) = 0;
  virtual Result<std::optional<OneTimeTokenRecord>> TakeOneTimeToken(std::string_view hash) = 0;
  virtual Status DeleteOneTimeTokens(std::string_view user_id, std::string_view kind) = 0;
  virtual Status PruneOneTimeTokens(std::int64_t now) = 0;
  // The emails a user id has verified (any user id: a face's email verification names them).
  // DeleteUser forgets the user's.
  virtual Status SetEmailVerified(std::string_view user_id, std::string_view email,
                                  bool verified) = 0;
  virtual Result<bool> IsEmailVerified(std::string_view user_id, std::string_view email) = 0;

  // The SuperTokens face's apps: inserted or replaced by id.
  virtual Status PutFaceApp(const FaceAppRecord& app) = 0;
  virtual Result<std::optional<FaceAppRecord>> GetFaceApp(std::string_view id) = 0;
  virtual Result<std::vector<FaceAppRecord>> ListFaceApps() = 0;

  // Signing keys: inserts or replaces by kid; deleting an absent kid is not an error.
  virtual Status PutSigningKey(const SigningKeyRecord& key) = 0;
  virtual Status DeleteSigningKey(std::string_view kid) = 0;

  // Throttles shared by instances. GetThrottle in a write transaction holds the key until the
  // commit, whether a record exists or not (two instances checking one key take turns; it may
  // leave an empty row behind, which reads as absent and PruneThrottles removes). PruneThrottles
  // deletes the records last changed before `updated_before`; returns how many.
  virtual Result<std::optional<ThrottleRecord>> GetThrottle(std::string_view key) = 0;
  virtual Status PutThrottle(const ThrottleRecord& record) = 0;
  virtual Status DeleteThrottle(std::string_view key) = 0;
  virtual Result<int> PruneThrottles(std::int64_t updated_before) = 0;

  // The revocation feed: assigns and returns the next sequence number (gap-free, never reused).
  virtual Result<std::int64_t> AppendEvent(const EventRecord& event) = 0;
  virtual Status AppendAudit(const AuditRecord& entry) = 0;
};

struct StoreStats {
  std::int64_t sessions = 0;        // rows, live or dead
  std::int64_t refresh_tokens = 0;  // rows
};

class Store {
 public:
  virtual ~Store() = default;

  // Cheap reachability check for /readyz.
  virtual Status Ping() = 0;

  // Runs `fn` in a write transaction (see the class comment). Returns fn's error, or the
  // commit's, or OK.
  virtual Status Write(std::function<Status(Tx&)> fn) = 0;
  // Runs `fn` on a consistent snapshot; write methods of the Tx fail with kFailedPrecondition.
  virtual Status Read(std::function<Status(Tx&)> fn) = 0;

  // Signing keys, oldest first (written through Tx, with the events of a key revocation).
  virtual Result<std::vector<SigningKeyRecord>> ListSigningKeys() = 0;

  // Events with seq > after, oldest first, at most `limit`.
  virtual Result<std::vector<EventRecord>> ReadEvents(std::int64_t after, int limit) = 0;
  // The highest seq assigned so far (0 when none).
  virtual Result<std::int64_t> LastEventSeq() = 0;
  // The lowest seq still retained; LastEventSeq() + 1 when the log is empty.
  virtual Result<std::int64_t> FirstEventSeq() = 0;
  // Deletes up to `limit` events older than `before_at` (never the counter). Returns how many.
  virtual Result<int> PruneEvents(std::int64_t before_at, int limit) = 0;
  // Audit entries, newest first, optionally of one user, with seq < before (0: no bound).
  virtual Result<std::vector<AuditRecord>> ListAudit(std::string_view user_id, std::int64_t before,
                                                     int limit) = 0;

  // Garbage collection: deletes at most `limit` sessions that expired before `now` or were
  // revoked before `revoked_before`, with their refresh tokens. Returns how many.
  virtual Result<int> DeleteDeadSessions(std::int64_t now, std::int64_t revoked_before,
                                         int limit) = 0;
  virtual Result<StoreStats> Stats() = 0;

  // Called after every commit that appended events, with those events (seq assigned, in seq
  // order; only the events of writes that committed), on the committing thread, before any
  // Write of that commit returns: this is how a write's events reach this process's revocation
  // state before the call that made them returns (DESIGN.md item 6). Keep it short; it must
  // not call Write. Set once, before use.
  using CommitListener = std::function<void(const std::vector<EventRecord>& committed)>;
  virtual void SetCommitListener(CommitListener listener) = 0;

  // Called, on a thread of the store's, soon after another process committed events to a
  // database this one shares (PostgreSQL's NOTIFY), and once after the store could not hear for
  // a while (the notifications of that time are lost): the listener reads the log (ReadEvents)
  // past what it has. Backends that no other process writes never call it. Set once, before use;
  // null stops the calls.
  using ForeignCommitListener = std::function<void()>;
  virtual void SetForeignCommitListener(ForeignCommitListener listener) { (void)listener; }
};

}  // namespace gatehouse::store
