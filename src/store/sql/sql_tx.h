#pragma once
// SqlTx: the Tx operations as SQL over one connection, written once for every SQL backend
// (store/sql/sql.h). The caller (SqliteStore, PostgresStore) owns the transaction boundaries;
// this class only reads and writes rows.
//
// Ownership: borrows the connection. Thread-safety: none; used by one thread inside one
// transaction.

#include "store/sql/sql.h"
#include "store/store.h"

namespace gatehouse::store {

class SqlTx final : public Tx {
 public:
  SqlTx(sql::Connection& db, bool writable) : db_(db), writable_(writable) {}

  Result<std::optional<SessionRecord>> GetSession(std::string_view handle) override;
  Status InsertSession(const SessionRecord& session) override;
  Status UpdateSession(const SessionRecord& session) override;
  Result<std::vector<SessionRecord>> ListLiveSessions(std::string_view user_id,
                                                      std::int64_t now) override;

  Status InsertUser(const UserRecord& user) override;
  Result<std::optional<UserRecord>> GetUser(std::string_view id) override;
  Result<std::optional<UserRecord>> GetUserByEmail(std::string_view email) override;
  Status UpdateUser(const UserRecord& user) override;
  Result<bool> DeleteUser(std::string_view id) override;
  Result<std::vector<UserRecord>> ListUsers(std::string_view email_prefix, std::string_view after,
                                            int limit) override;

  Result<std::vector<UserRecord>> ListUsersByAge(std::string_view id_prefix, bool newest_first,
                                                 const std::optional<UserCursor>& after,
                                                 int limit) override;
  Result<std::int64_t> CountUsers(std::string_view id_prefix) override;
  Status PutOneTimeToken(const OneTimeTokenRecord& token) override;
  Result<std::optional<OneTimeTokenRecord>> TakeOneTimeToken(std::string_view hash) override;
  Status DeleteOneTimeTokens(std::string_view user_id, std::string_view kind) override;
  Status PruneOneTimeTokens(std::int64_t now) override;
  Status SetEmailVerified(std::string_view user_id, std::string_view email, bool verified) override;
  Result<bool> IsEmailVerified(std::string_view user_id, std::string_view email) override;
  Status PutFaceApp(const FaceAppRecord& app) override;
  Result<std::optional<FaceAppRecord>> GetFaceApp(std::string_view id) override;
  Result<std::vector<FaceAppRecord>> ListFaceApps() override;
  Status PutBan(std::string_view user_id, std::string_view reason, std::int64_t at) override;
  Result<bool> DeleteBan(std::string_view user_id) override;
  Result<bool> IsBanned(std::string_view user_id) override;
  Status PutRole(const RoleRecord& role) override;
  Result<std::optional<RoleRecord>> GetRole(std::string_view name) override;
  Result<std::vector<RoleRecord>> ListRoles() override;
  Result<bool> DeleteRole(std::string_view name) override;
  Result<bool> GrantRole(std::string_view user_id, std::string_view role) override;
  Result<bool> RemoveRole(std::string_view user_id, std::string_view role) override;
  Result<std::vector<std::string>> UserRoles(std::string_view user_id) override;
  Result<std::vector<std::string>> RoleUsers(std::string_view role) override;
  Result<std::int64_t> ClaimsVersion(std::string_view user_id) override;
  Result<std::int64_t> BumpClaimsVersion(std::string_view user_id) override;
  Result<ClaimsRecord> GetClaims(std::string_view user_id) override;

  Result<std::optional<RefreshTokenRecord>> GetRefreshToken(std::string_view hash) override;
  Result<std::optional<RefreshStart>> GetRefreshStart(std::string_view hash) override;
  Status InsertRefreshToken(const RefreshTokenRecord& token) override;
  Status UpdateRefreshToken(const RefreshTokenRecord& token) override;
  Result<int> CountPendingChildren(std::string_view session_handle,
                                   std::string_view parent_hash) override;
  Status TrimRefreshTokens(std::string_view session_handle, int keep,
                           const std::vector<std::string>& protected_parents) override;

  Result<std::optional<ThrottleRecord>> GetThrottle(std::string_view key) override;
  Status PutThrottle(const ThrottleRecord& record) override;
  Status DeleteThrottle(std::string_view key) override;
  Result<int> PruneThrottles(std::int64_t updated_before) override;

  Result<std::int64_t> AppendEvent(const EventRecord& event) override;
  Status AppendAudit(const AuditRecord& entry) override;
  Status PutSigningKey(const SigningKeyRecord& key) override;
  Status DeleteSigningKey(std::string_view kid) override;

  // The events appended so far (seq assigned), for the commit listener. A write that rolls back
  // to its savepoint discards its own with DiscardEventsFrom(the size before it ran).
  const std::vector<EventRecord>& appended_events() const { return appended_; }
  void DiscardEventsFrom(std::size_t n) { appended_.resize(std::min(n, appended_.size())); }

 private:
  Status CheckWritable() const;
  // Prepares `select` as a write transaction reads a row it may change: locked where the
  // dialect locks.
  Result<sql::Statement*> PrepareLocked(const std::string& select);
  // The first column of a statement's first row; kInternal when there is none.
  static Result<std::int64_t> OneInt(sql::Statement& q);
  // Runs a query of at most one parameter and collects its first column.
  Result<std::vector<std::string>> Strings(std::string_view sql,
                                           std::optional<std::string_view> param);
  // Runs a write and reports whether it changed a row.
  Result<bool> Changed(std::string_view sql, std::string_view a, std::string_view b = {});

  sql::Connection& db_;
  bool writable_;
  std::vector<EventRecord> appended_;
};

// Column list and row reader shared by every session query.
inline constexpr std::string_view kSessionColumns =
    "handle, user_id, created_at, last_active_at, idle_expires_at, absolute_expires_at, "
    "user_agent, ip, session_data, access_payload, refresh_hash, refresh_promoted_at, "
    "revoked_at, revoke_reason";
// A session from the row's columns from `first` on, in kSessionColumns order.
SessionRecord ReadSessionRow(const sql::Statement& row, int first = 0);

}  // namespace gatehouse::store
