#include "store/sql/sql_tx.h"

namespace gatehouse::store {
namespace {

// Binds every session column in kSessionColumns order, plus expires_at as parameter 15.
void BindSession(sql::Statement& q, const SessionRecord& s) {
  q.Bind(1, s.handle)
      .Bind(2, s.user_id)
      .Bind(3, s.created_at)
      .Bind(4, s.last_active_at)
      .Bind(5, s.idle_expires_at)
      .Bind(6, s.absolute_expires_at)
      .Bind(7, s.user_agent)
      .Bind(8, s.ip)
      .Bind(9, s.session_data)
      .Bind(10, s.access_payload)
      .BindBlob(11, s.refresh_hash)
      .Bind(12, s.refresh_promoted_at)
      .Bind(13, s.revoked_at)
      .Bind(14, s.revoke_reason)
      .Bind(15, s.expires_at());
}

constexpr std::string_view kTokenColumns =
    "hash, session_handle, parent_hash, state, created_at, superseded_at";

RefreshTokenRecord ReadTokenRow(const sql::Statement& q, int first = 0) {
  return {.hash = q.Blob(first),
          .session_handle = q.Text(first + 1),
          .parent_hash = q.Blob(first + 2),
          .state = static_cast<RefreshState>(q.Int(first + 3)),
          .created_at = q.Int(first + 4),
          .superseded_at = q.OptionalInt(first + 5)};
}

// `columns` (a comma-separated list) with each name qualified by `table`.
std::string Qualified(std::string_view table, std::string_view columns) {
  std::string out;
  while (!columns.empty()) {
    const std::size_t comma = columns.find(',');
    std::string_view name = columns.substr(0, comma);
    while (name.starts_with(' ')) name.remove_prefix(1);
    if (!out.empty()) out += ", ";
    out.append(table).append(".").append(name);
    columns = comma == std::string_view::npos ? "" : columns.substr(comma + 1);
  }
  return out;
}

// Every row `q` steps to, each read by `read`.
template <typename Read>
auto AllRows(sql::Statement& q, Read read) -> Result<std::vector<decltype(read(q))>> {
  std::vector<decltype(read(q))> out;
  while (true) {
    GH_ASSIGN_OR_RETURN(bool row, q.Step());
    if (!row) break;
    out.push_back(read(q));
  }
  return out;
}

}  // namespace

SessionRecord ReadSessionRow(const sql::Statement& q, int first) {
  return {.handle = q.Text(first),
          .user_id = q.Text(first + 1),
          .created_at = q.Int(first + 2),
          .last_active_at = q.Int(first + 3),
          .idle_expires_at = q.Int(first + 4),
          .absolute_expires_at = q.Int(first + 5),
          .user_agent = q.Text(first + 6),
          .ip = q.Text(first + 7),
          .session_data = q.Text(first + 8),
          .access_payload = q.Text(first + 9),
          .refresh_hash = q.Blob(first + 10),
          .refresh_promoted_at = q.Int(first + 11),
          .revoked_at = q.OptionalInt(first + 12),
          .revoke_reason = q.Text(first + 13)};
}

Status SqlTx::CheckWritable() const {
  if (!writable_) return FailedPrecondition("write in a read transaction");
  return OkStatus();
}

Result<std::optional<SessionRecord>> SqlTx::GetSession(std::string_view handle) {
  static const std::string kSql =
      "SELECT " + std::string(kSessionColumns) + " FROM sessions WHERE handle = $1";
  GH_ASSIGN_OR_RETURN(sql::Statement * q, PrepareLocked(kSql));
  q->Bind(1, handle);
  GH_ASSIGN_OR_RETURN(bool row, q->Step());
  if (!row) return std::optional<SessionRecord>();
  return std::optional<SessionRecord>(ReadSessionRow(*q));
}

Status SqlTx::InsertSession(const SessionRecord& session) {
  GH_RETURN_IF_ERROR(CheckWritable());
  static const std::string kSql =
      "INSERT INTO sessions (" + std::string(kSessionColumns) +
      ", expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)";
  GH_ASSIGN_OR_RETURN(sql::Statement * q, db_.Prepare(kSql));
  BindSession(*q, session);
  return q->RunLater();
}

Status SqlTx::UpdateSession(const SessionRecord& session) {
  GH_RETURN_IF_ERROR(CheckWritable());
  GH_ASSIGN_OR_RETURN(
      sql::Statement * q,
      // user_id and created_at never change (they are matched, not set), so the sessions_user
      // index is not rewritten on every refresh.
      db_.Prepare("UPDATE sessions SET last_active_at = $4, "
                  "idle_expires_at = $5, absolute_expires_at = $6, user_agent = $7, ip = $8, "
                  "session_data = $9, access_payload = $10, refresh_hash = $11, "
                  "refresh_promoted_at = $12, revoked_at = $13, revoke_reason = $14, "
                  "expires_at = $15 WHERE handle = $1 AND user_id = $2 AND created_at = $3"));
  BindSession(*q, session);
  return q->RunLater("no such session");
}

Result<std::vector<SessionRecord>> SqlTx::ListLiveSessions(std::string_view user_id,
                                                           std::int64_t now) {
  static const std::string kSql = "SELECT " + std::string(kSessionColumns) +
                                  " FROM sessions WHERE user_id = $1 AND revoked_at IS NULL AND "
                                  "expires_at > $2 ORDER BY created_at DESC, handle DESC";
  GH_ASSIGN_OR_RETURN(sql::Statement * q, PrepareLocked(kSql));
  q->Bind(1, user_id).Bind(2, now);
  return AllRows(*q, [](const sql::Statement& row) { return ReadSessionRow(row); });
}

namespace {

constexpr std::string_view kUserColumns =
    "id, email, password_hash, created_at, "
    "EXISTS (SELECT 1 FROM bans WHERE bans.user_id = users.id), ban_reason";
constexpr std::string_view kUserInsertColumns =
    "id, email, password_hash, created_at, banned, ban_reason";

UserRecord ReadUserRow(const sql::Statement& q) {
  return {.id = q.Text(0),
          .email = q.Text(1),
          .password_hash = q.Text(2),
          .created_at = q.Int(3),
          .banned = q.Int(4) != 0,
          .ban_reason = q.Text(5)};
}

void BindUser(sql::Statement& q, const UserRecord& u) {
  q.Bind(1, u.id)
      .Bind(2, u.email)
      .Bind(3, u.password_hash)
      .Bind(4, u.created_at)
      .Bind(5, std::int64_t{u.banned})
      .Bind(6, u.ban_reason);
}

Result<std::optional<UserRecord>> OneUser(sql::Statement& q) {
  GH_ASSIGN_OR_RETURN(bool row, q.Step());
  if (!row) return std::optional<UserRecord>();
  return std::optional<UserRecord>(ReadUserRow(q));
}

}  // namespace

Status SqlTx::InsertUser(const UserRecord& user) {
  GH_RETURN_IF_ERROR(CheckWritable());
  static const std::string kSql =
      "INSERT INTO users (" + std::string(kUserInsertColumns) + ") VALUES ($1, $2, $3, $4, $5, $6)";
  GH_ASSIGN_OR_RETURN(sql::Statement * q, db_.Prepare(kSql));
  BindUser(*q, user);
  Status s = q->Run();
  if (!s && s.error().code() == ErrorCode::kAlreadyExists) {
    return AlreadyExists("email already registered");
  }
  return s;
}

Result<std::optional<UserRecord>> SqlTx::GetUser(std::string_view id) {
  static const std::string kSql =
      "SELECT " + std::string(kUserColumns) + " FROM users WHERE id = $1";
  GH_ASSIGN_OR_RETURN(sql::Statement * q, PrepareLocked(kSql));
  q->Bind(1, id);
  return OneUser(*q);
}

Result<std::optional<UserRecord>> SqlTx::GetUserByEmail(std::string_view email) {
  static const std::string kSql =
      "SELECT " + std::string(kUserColumns) + " FROM users WHERE email = $1";
  GH_ASSIGN_OR_RETURN(sql::Statement * q, PrepareLocked(kSql));
  q->Bind(1, email);
  return OneUser(*q);
}

Status SqlTx::UpdateUser(const UserRecord& user) {
  GH_RETURN_IF_ERROR(CheckWritable());
  GH_ASSIGN_OR_RETURN(sql::Statement * q,
                      db_.Prepare("UPDATE users SET email = $2, password_hash = $3, "
                                  "created_at = $4, banned = $5, ban_reason = $6 WHERE id = $1"));
  BindUser(*q, user);
  GH_RETURN_IF_ERROR(q->Run());
  if (q->Changes() == 0) return NotFound("no such user");
  return OkStatus();
}

Result<bool> SqlTx::DeleteUser(std::string_view id) {
  GH_RETURN_IF_ERROR(CheckWritable());
  GH_RETURN_IF_ERROR(Changed("DELETE FROM one_time_tokens WHERE user_id = $1", id).status());
  GH_RETURN_IF_ERROR(Changed("DELETE FROM verified_emails WHERE user_id = $1", id).status());
  return Changed("DELETE FROM users WHERE id = $1", id);
}

Result<std::vector<UserRecord>> SqlTx::ListUsersByAge(std::string_view id_prefix, bool newest_first,
                                                      const std::optional<UserCursor>& after,
                                                      int limit) {
  // The id prefix as a range (ids are ASCII); the cursor as a row comparison on the join order.
  const std::string select =
      "SELECT " + std::string(kUserColumns) + " FROM users WHERE id >= $1 AND id < $2";
  static const std::string kOldest = select + " ORDER BY created_at, id LIMIT $3";
  static const std::string kNewest = select + " ORDER BY created_at DESC, id DESC LIMIT $3";
  static const std::string kOldestAfter =
      select + " AND (created_at, id) > ($4, $5) ORDER BY created_at, id LIMIT $3";
  static const std::string kNewestAfter =
      select + " AND (created_at, id) < ($4, $5) ORDER BY created_at DESC, id DESC LIMIT $3";
  const std::string& sql =
      after ? (newest_first ? kNewestAfter : kOldestAfter) : (newest_first ? kNewest : kOldest);
  GH_ASSIGN_OR_RETURN(sql::Statement * q, db_.Prepare(sql));
  const std::string end = std::string(id_prefix) + "\xF4\x8F\xBF\xBF";  // as ListUsers bounds
  q->Bind(1, id_prefix).Bind(2, end).Bind(3, std::int64_t{limit});
  if (after) q->Bind(4, after->created_at).Bind(5, after->id);
  return AllRows(*q, ReadUserRow);
}

Result<std::int64_t> SqlTx::CountUsers(std::string_view id_prefix) {
  GH_ASSIGN_OR_RETURN(sql::Statement * q,
                      db_.Prepare("SELECT COUNT(*) FROM users WHERE id >= $1 AND id < $2"));
  const std::string end = std::string(id_prefix) + "\xF4\x8F\xBF\xBF";  // as ListUsers bounds
  q->Bind(1, id_prefix).Bind(2, end);
  GH_ASSIGN_OR_RETURN(bool row, q->Step());
  return row ? q->Int(0) : 0;
}

Status SqlTx::PutOneTimeToken(const OneTimeTokenRecord& token) {
  GH_RETURN_IF_ERROR(CheckWritable());
  GH_ASSIGN_OR_RETURN(sql::Statement * q,
                      db_.Prepare("INSERT INTO one_time_tokens (hash, kind, user_id, email, "
                                  "expires_at) VALUES ($1, $2, $3, $4, $5)"));
  return q->Bind(1, token.hash)
      .Bind(2, token.kind)
      .Bind(3, token.user_id)
      .Bind(4, token.email)
      .Bind(5, token.expires_at)
      .Run();
}

Result<std::optional<OneTimeTokenRecord>> SqlTx::TakeOneTimeToken(std::string_view hash) {
  GH_RETURN_IF_ERROR(CheckWritable());
  GH_ASSIGN_OR_RETURN(sql::Statement * q,
                      db_.Prepare("DELETE FROM one_time_tokens WHERE hash = $1 "
                                  "RETURNING kind, user_id, email, expires_at"));
  q->Bind(1, hash);
  GH_ASSIGN_OR_RETURN(bool row, q->Step());
  if (!row) return std::optional<OneTimeTokenRecord>();
  OneTimeTokenRecord token{.hash = std::string(hash),
                           .kind = q->Text(0),
                           .user_id = q->Text(1),
                           .email = q->Text(2),
                           .expires_at = q->Int(3)};
  q->Reset();
  return std::optional<OneTimeTokenRecord>(std::move(token));
}

Status SqlTx::DeleteOneTimeTokens(std::string_view user_id, std::string_view kind) {
  GH_RETURN_IF_ERROR(CheckWritable());
  return Changed("DELETE FROM one_time_tokens WHERE user_id = $1 AND kind = $2", user_id, kind)
      .status();
}

Status SqlTx::PruneOneTimeTokens(std::int64_t now) {
  GH_RETURN_IF_ERROR(CheckWritable());
  GH_ASSIGN_OR_RETURN(sql::Statement * q,
                      db_.Prepare("DELETE FROM one_time_tokens WHERE expires_at <= $1"));
  return q->Bind(1, now).Run();
}

Status SqlTx::SetEmailVerified(std::string_view user_id, std::string_view email, bool verified) {
  GH_RETURN_IF_ERROR(CheckWritable());
  if (!verified) {
    return Changed("DELETE FROM verified_emails WHERE user_id = $1 AND email = $2", user_id, email)
        .status();
  }
  return Changed(
             "INSERT INTO verified_emails (user_id, email) VALUES ($1, $2) "
             "ON CONFLICT DO NOTHING",
             user_id, email)
      .status();
}

Result<bool> SqlTx::IsEmailVerified(std::string_view user_id, std::string_view email) {
  GH_ASSIGN_OR_RETURN(
      sql::Statement * q,
      db_.Prepare("SELECT 1 FROM verified_emails WHERE user_id = $1 AND email = $2"));
  q->Bind(1, user_id).Bind(2, email);
  GH_ASSIGN_OR_RETURN(bool row, q->Step());
  q->Reset();
  return row;
}

Result<std::vector<UserRecord>> SqlTx::ListUsers(std::string_view email_prefix,
                                                 std::string_view after, int limit) {
  static const std::string kById =
      "SELECT " + std::string(kUserColumns) + " FROM users WHERE id > $1 ORDER BY id LIMIT $2";
  // A prefix as a range of the email index: [prefix, prefix + U+10FFFF), or (cursor, ...) once
  // paging has passed the prefix itself: one lower bound, so the index seek starts at the page,
  // not at the prefix. UTF-8 sorts bytewise in code point order, so the range holds every email
  // that starts with the prefix (emails are valid UTF-8) except one that continues with U+10FFFF
  // itself, a noncharacter; unlike raising the prefix's last byte, the bound is valid text, which
  // PostgreSQL requires.
  static const std::string kFrom =
      "SELECT " + std::string(kUserColumns) +
      " FROM users WHERE email >= $1 AND email < $2 ORDER BY email LIMIT $3";
  static const std::string kAfter =
      "SELECT " + std::string(kUserColumns) +
      " FROM users WHERE email > $1 AND email < $2 ORDER BY email LIMIT $3";
  sql::Statement* q = nullptr;
  const std::string end = std::string(email_prefix) + "\xF4\x8F\xBF\xBF";
  if (email_prefix.empty()) {
    GH_ASSIGN_OR_RETURN(q, db_.Prepare(kById));
    q->Bind(1, after).Bind(2, std::int64_t{limit});
  } else {
    const bool past_prefix = after >= email_prefix;  // "" < any prefix: the first page
    GH_ASSIGN_OR_RETURN(q, db_.Prepare(past_prefix ? kAfter : kFrom));
    q->Bind(1, past_prefix ? after : email_prefix).Bind(2, end).Bind(3, std::int64_t{limit});
  }
  return AllRows(*q, ReadUserRow);
}

Result<std::vector<std::string>> SqlTx::Strings(std::string_view sql,
                                                std::optional<std::string_view> param) {
  GH_ASSIGN_OR_RETURN(sql::Statement * q, db_.Prepare(sql));
  if (param) q->Bind(1, *param);
  std::vector<std::string> out;
  while (true) {
    GH_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    out.push_back(q->Text(0));
  }
  return out;
}

Result<bool> SqlTx::Changed(std::string_view sql, std::string_view a, std::string_view b) {
  GH_RETURN_IF_ERROR(CheckWritable());
  GH_ASSIGN_OR_RETURN(sql::Statement * q, db_.Prepare(sql));
  q->Bind(1, a);
  if (!b.empty()) q->Bind(2, b);
  GH_RETURN_IF_ERROR(q->Run());
  return q->Changes() > 0;
}

Result<sql::Statement*> SqlTx::PrepareLocked(const std::string& select) {
  const std::string_view lock = db_.dialect().lock_row;
  if (!writable_ || lock.empty()) return db_.Prepare(select);  // no text to build
  return db_.Prepare(select + std::string(lock));
}

namespace {

FaceAppRecord ReadFaceAppRow(const sql::Statement& q) {
  return {.id = q.Text(0), .config = q.Text(1), .removed = q.Int(2) != 0};
}

}  // namespace

Status SqlTx::PutFaceApp(const FaceAppRecord& app) {
  GH_RETURN_IF_ERROR(CheckWritable());
  GH_ASSIGN_OR_RETURN(sql::Statement * q,
                      db_.Prepare("INSERT INTO face_apps (id, config, removed) VALUES ($1, $2, $3) "
                                  "ON CONFLICT (id) DO UPDATE SET config = excluded.config, "
                                  "removed = excluded.removed"));
  return q->Bind(1, app.id).Bind(2, app.config).Bind(3, std::int64_t{app.removed}).Run();
}

Result<std::optional<FaceAppRecord>> SqlTx::GetFaceApp(std::string_view id) {
  GH_ASSIGN_OR_RETURN(sql::Statement * q,
                      db_.Prepare("SELECT id, config, removed FROM face_apps WHERE id = $1"));
  q->Bind(1, id);
  GH_ASSIGN_OR_RETURN(std::vector<FaceAppRecord> found, AllRows(*q, ReadFaceAppRow));
  if (found.empty()) return std::optional<FaceAppRecord>();
  return std::optional<FaceAppRecord>(std::move(found.front()));
}

Result<std::vector<FaceAppRecord>> SqlTx::ListFaceApps() {
  GH_ASSIGN_OR_RETURN(sql::Statement * q,
                      db_.Prepare("SELECT id, config, removed FROM face_apps ORDER BY id"));
  return AllRows(*q, ReadFaceAppRow);
}

Status SqlTx::PutBan(std::string_view user_id, std::string_view reason, std::int64_t at) {
  GH_RETURN_IF_ERROR(CheckWritable());
  GH_ASSIGN_OR_RETURN(sql::Statement * q,
                      db_.Prepare("INSERT INTO bans (user_id, reason, at) VALUES ($1, $2, $3) "
                                  "ON CONFLICT (user_id) DO UPDATE SET reason = excluded.reason, "
                                  "at = excluded.at"));
  return q->Bind(1, user_id).Bind(2, reason).Bind(3, at).Run();
}

Result<bool> SqlTx::DeleteBan(std::string_view user_id) {
  return Changed("DELETE FROM bans WHERE user_id = $1", user_id);
}

Result<bool> SqlTx::IsBanned(std::string_view user_id) {
  GH_ASSIGN_OR_RETURN(auto found, Strings("SELECT user_id FROM bans WHERE user_id = $1", user_id));
  return !found.empty();
}

Status SqlTx::PutRole(const RoleRecord& role) {
  GH_RETURN_IF_ERROR(
      Changed("INSERT INTO roles (name) VALUES ($1) ON CONFLICT DO NOTHING", role.name).status());
  GH_RETURN_IF_ERROR(Changed("DELETE FROM role_permissions WHERE role = $1", role.name).status());
  for (const auto& permission : role.permissions) {
    GH_RETURN_IF_ERROR(Changed("INSERT INTO role_permissions (role, permission) "
                               "VALUES ($1, $2) ON CONFLICT DO NOTHING",
                               role.name, permission)
                           .status());
  }
  return OkStatus();
}

Result<std::optional<RoleRecord>> SqlTx::GetRole(std::string_view name) {
  GH_ASSIGN_OR_RETURN(auto found, Strings("SELECT name FROM roles WHERE name = $1", name));
  if (found.empty()) return std::optional<RoleRecord>();
  GH_ASSIGN_OR_RETURN(auto permissions,
                      Strings("SELECT permission FROM role_permissions WHERE role = $1 "
                              "ORDER BY permission",
                              name));
  return std::optional<RoleRecord>(RoleRecord{std::string(name), std::move(permissions)});
}

Result<std::vector<RoleRecord>> SqlTx::ListRoles() {
  GH_ASSIGN_OR_RETURN(auto names, Strings("SELECT name FROM roles ORDER BY name", std::nullopt));
  std::vector<RoleRecord> out;
  for (const auto& name : names) {
    GH_ASSIGN_OR_RETURN(auto role, GetRole(name));
    if (role) out.push_back(std::move(*role));
  }
  return out;
}

Result<bool> SqlTx::DeleteRole(std::string_view name) {
  GH_RETURN_IF_ERROR(Changed("DELETE FROM role_permissions WHERE role = $1", name).status());
  GH_RETURN_IF_ERROR(Changed("DELETE FROM user_roles WHERE role = $1", name).status());
  return Changed("DELETE FROM roles WHERE name = $1", name);
}

Result<bool> SqlTx::GrantRole(std::string_view user_id, std::string_view role) {
  return Changed("INSERT INTO user_roles (user_id, role) VALUES ($1, $2) ON CONFLICT DO NOTHING",
                 user_id, role);
}

Result<bool> SqlTx::RemoveRole(std::string_view user_id, std::string_view role) {
  return Changed("DELETE FROM user_roles WHERE user_id = $1 AND role = $2", user_id, role);
}

Result<std::vector<std::string>> SqlTx::UserRoles(std::string_view user_id) {
  return Strings("SELECT role FROM user_roles WHERE user_id = $1 ORDER BY role", user_id);
}

Result<std::vector<std::string>> SqlTx::RoleUsers(std::string_view role) {
  return Strings("SELECT user_id FROM user_roles WHERE role = $1 ORDER BY user_id", role);
}

Result<std::int64_t> SqlTx::ClaimsVersion(std::string_view user_id) {
  GH_ASSIGN_OR_RETURN(sql::Statement * q,
                      db_.Prepare("SELECT ver FROM claims_versions WHERE user_id = $1"));
  q->Bind(1, user_id);
  GH_ASSIGN_OR_RETURN(std::optional<std::int64_t> ver, q->FirstInt());
  return ver.value_or(0);
}

Result<std::int64_t> SqlTx::BumpClaimsVersion(std::string_view user_id) {
  GH_RETURN_IF_ERROR(CheckWritable());
  GH_ASSIGN_OR_RETURN(sql::Statement * q,
                      db_.Prepare("INSERT INTO claims_versions (user_id, ver) VALUES ($1, 1) "
                                  "ON CONFLICT (user_id) DO UPDATE SET "
                                  "ver = claims_versions.ver + 1 RETURNING ver"));
  q->Bind(1, user_id);
  return OneInt(*q);
}

Result<ClaimsRecord> SqlTx::GetClaims(std::string_view user_id) {
  // The version's row (part 0) first, then the roles (part 1) in order.
  GH_ASSIGN_OR_RETURN(sql::Statement * q,
                      db_.Prepare("SELECT 0 AS part, ver, NULL AS role FROM claims_versions "
                                  "WHERE user_id = $1 UNION ALL SELECT 1, 0, role "
                                  "FROM user_roles WHERE user_id = $1 ORDER BY 1, 3"));
  q->Bind(1, user_id);
  ClaimsRecord claims;
  while (true) {
    GH_ASSIGN_OR_RETURN(bool row, q->Step());
    if (!row) break;
    if (q->Int(0) == 0) {
      claims.version = q->Int(1);
    } else {
      claims.roles.push_back(q->Text(2));
    }
  }
  return claims;
}

Result<std::optional<RefreshStart>> SqlTx::GetRefreshStart(std::string_view hash) {
  // An inner join: the token and its session are locked together. The ban is read in the same
  // statement; a ban that commits while this waits for the lock also revoked the session, which
  // the locked row then shows.
  static const std::string kSql =
      "SELECT " + Qualified("t", kTokenColumns) + ", " + Qualified("s", kSessionColumns) +
      ", EXISTS (SELECT 1 FROM bans b WHERE b.user_id = s.user_id) "
      "FROM refresh_tokens t JOIN sessions s ON s.handle = t.session_handle WHERE t.hash = $1";
  GH_ASSIGN_OR_RETURN(sql::Statement * q, PrepareLocked(kSql));
  q->BindBlob(1, hash);
  GH_ASSIGN_OR_RETURN(bool row, q->Step());
  if (!row) return std::optional<RefreshStart>();
  return std::optional<RefreshStart>(RefreshStart{
      .token = ReadTokenRow(*q), .session = ReadSessionRow(*q, 6), .banned = q->Int(20) != 0});
}

Result<std::optional<RefreshTokenRecord>> SqlTx::GetRefreshToken(std::string_view hash) {
  static const std::string kSql =
      "SELECT " + std::string(kTokenColumns) + " FROM refresh_tokens WHERE hash = $1";
  GH_ASSIGN_OR_RETURN(sql::Statement * q, PrepareLocked(kSql));
  q->BindBlob(1, hash);
  GH_ASSIGN_OR_RETURN(bool row, q->Step());
  if (!row) return std::optional<RefreshTokenRecord>();
  return std::optional<RefreshTokenRecord>(ReadTokenRow(*q));
}

namespace {

void BindToken(sql::Statement& q, const RefreshTokenRecord& t) {
  q.BindBlob(1, t.hash)
      .Bind(2, t.session_handle)
      .BindBlob(3, t.parent_hash)
      .Bind(4, static_cast<std::int64_t>(t.state))
      .Bind(5, t.created_at)
      .Bind(6, t.superseded_at);
}

}  // namespace

Status SqlTx::InsertRefreshToken(const RefreshTokenRecord& t) {
  GH_RETURN_IF_ERROR(CheckWritable());
  GH_ASSIGN_OR_RETURN(sql::Statement * q,
                      db_.Prepare("INSERT INTO refresh_tokens (hash, session_handle, "
                                  "parent_hash, state, created_at, superseded_at) "
                                  "VALUES ($1, $2, $3, $4, $5, $6)"));
  BindToken(*q, t);
  return q->RunLater();
}

Status SqlTx::UpdateRefreshToken(const RefreshTokenRecord& t) {
  GH_RETURN_IF_ERROR(CheckWritable());
  GH_ASSIGN_OR_RETURN(sql::Statement * q,
                      db_.Prepare("UPDATE refresh_tokens SET session_handle = $2, "
                                  "parent_hash = $3, state = $4, created_at = $5, "
                                  "superseded_at = $6 WHERE hash = $1"));
  BindToken(*q, t);
  return q->RunLater("no such refresh token");
}

Result<int> SqlTx::CountPendingChildren(std::string_view session_handle,
                                        std::string_view parent_hash) {
  GH_ASSIGN_OR_RETURN(sql::Statement * q,
                      db_.Prepare("SELECT count(*) FROM refresh_tokens WHERE session_handle = $1 "
                                  "AND parent_hash = $2 AND state = 1"));
  q->Bind(1, session_handle).BindBlob(2, parent_hash);
  GH_ASSIGN_OR_RETURN(std::int64_t n, OneInt(*q));
  return static_cast<int>(n);
}

Status SqlTx::TrimRefreshTokens(std::string_view session_handle, int keep,
                                const std::vector<std::string>& protected_parents) {
  GH_RETURN_IF_ERROR(CheckWritable());
  if (protected_parents.size() > 2) return InvalidArgument("at most two protected parents");
  // The deletable ones: not committed, not a child of a protected parent.
  constexpr std::string_view kDeletable =
      "session_handle = $1 AND state != 0 AND parent_hash != $3 AND parent_hash != $4";
  static const std::string kSql = "DELETE FROM refresh_tokens WHERE " + std::string(kDeletable) +
                                  " AND hash NOT IN (SELECT hash FROM refresh_tokens WHERE " +
                                  std::string(kDeletable) +
                                  " ORDER BY created_at DESC, hash DESC LIMIT $2)";
  GH_ASSIGN_OR_RETURN(sql::Statement * q, db_.Prepare(kSql));
  const std::string none = "\x01";  // no token's parent hash (they are 32 bytes or empty)
  const std::string& a = protected_parents.size() > 0 ? protected_parents[0] : none;
  const std::string& b = protected_parents.size() > 1 ? protected_parents[1] : none;
  return q->Bind(1, session_handle)
      .Bind(2, std::int64_t{keep})
      .BindBlob(3, a)
      .BindBlob(4, b)
      .RunLater();
}

Result<std::optional<ThrottleRecord>> SqlTx::GetThrottle(std::string_view key) {
  if (writable_) {
    // A key no row holds yet cannot be locked: make an empty row first (a second writer of the
    // same key waits here for the first one's commit), which reads as absent.
    GH_ASSIGN_OR_RETURN(sql::Statement * make,
                        db_.Prepare("INSERT INTO throttles (key, failures, in_flight, updated_at) "
                                    "VALUES ($1, '', 0, 0) ON CONFLICT DO NOTHING"));
    GH_RETURN_IF_ERROR(make->Bind(1, key).Run());
  }
  static const std::string kSql =
      "SELECT key, failures, in_flight, updated_at FROM throttles WHERE key = $1";
  GH_ASSIGN_OR_RETURN(sql::Statement * q, PrepareLocked(kSql));
  q->Bind(1, key);
  GH_ASSIGN_OR_RETURN(bool row, q->Step());
  ThrottleRecord r;
  if (row) {
    r = {
        .key = q->Text(0), .failures = q->Text(1), .in_flight = q->Int(2), .updated_at = q->Int(3)};
  }
  if (!row || (r.failures.empty() && r.in_flight == 0 && r.updated_at == 0)) {
    return std::optional<ThrottleRecord>();  // none, or the empty row made above
  }
  return std::optional<ThrottleRecord>(std::move(r));
}

Status SqlTx::PutThrottle(const ThrottleRecord& r) {
  GH_RETURN_IF_ERROR(CheckWritable());
  GH_ASSIGN_OR_RETURN(sql::Statement * q,
                      db_.Prepare("INSERT INTO throttles (key, failures, in_flight, updated_at) "
                                  "VALUES ($1, $2, $3, $4) ON CONFLICT (key) DO UPDATE SET "
                                  "failures = excluded.failures, in_flight = excluded.in_flight, "
                                  "updated_at = excluded.updated_at"));
  return q->Bind(1, r.key).Bind(2, r.failures).Bind(3, r.in_flight).Bind(4, r.updated_at).Run();
}

Status SqlTx::DeleteThrottle(std::string_view key) {
  return Changed("DELETE FROM throttles WHERE key = $1", key).status();
}

Result<int> SqlTx::PruneThrottles(std::int64_t updated_before) {
  GH_RETURN_IF_ERROR(CheckWritable());
  GH_ASSIGN_OR_RETURN(sql::Statement * q,
                      db_.Prepare("DELETE FROM throttles WHERE updated_at < $1"));
  GH_RETURN_IF_ERROR(q->Bind(1, updated_before).Run());
  return static_cast<int>(q->Changes());
}

Result<std::int64_t> SqlTx::OneInt(sql::Statement& q) {
  GH_ASSIGN_OR_RETURN(std::optional<std::int64_t> value, q.FirstInt());
  if (!value) return Internal("the statement returned no row");
  return *value;
}

Result<std::int64_t> SqlTx::AppendEvent(const EventRecord& event) {
  GH_RETURN_IF_ERROR(CheckWritable());
  // A counter row, not a sequence: its update rolls back with the transaction and is held until
  // the commit, so seq is gap-free and commits in seq order, with any number of writers.
  GH_ASSIGN_OR_RETURN(
      sql::Statement * next,
      db_.Prepare(
          "UPDATE counters SET value = value + 1 WHERE name = 'event_seq' RETURNING value"));
  GH_ASSIGN_OR_RETURN(std::int64_t seq, OneInt(*next));
  GH_ASSIGN_OR_RETURN(
      sql::Statement * q,
      db_.Prepare("INSERT INTO events (seq, type, at, payload) VALUES ($1, $2, $3, $4)"));
  GH_RETURN_IF_ERROR(
      q->Bind(1, seq).Bind(2, event.type).Bind(3, event.at).Bind(4, event.payload).Run());
  EventRecord appended = event;
  appended.seq = seq;
  appended_.push_back(std::move(appended));
  return seq;
}

Status SqlTx::AppendAudit(const AuditRecord& a) {
  GH_RETURN_IF_ERROR(CheckWritable());
  const sql::Dialect& dialect = db_.dialect();
  if (!dialect.advance_audit_seq.empty()) {
    GH_RETURN_IF_ERROR(sql::Run(db_, dialect.advance_audit_seq));
  }
  GH_ASSIGN_OR_RETURN(
      sql::Statement * q,
      db_.Prepare("INSERT INTO audit (seq, at, type, user_id, session_handle, "
                  "actor, ip, detail) VALUES (" +
                  std::string(dialect.audit_seq) + ", $1, $2, $3, $4, $5, $6, $7)"));
  return q->Bind(1, a.at)
      .Bind(2, a.type)
      .Bind(3, a.user_id)
      .Bind(4, a.session_handle)
      .Bind(5, a.actor)
      .Bind(6, a.ip)
      .Bind(7, a.detail)
      .RunLater();
}

Status SqlTx::PutSigningKey(const SigningKeyRecord& key) {
  GH_RETURN_IF_ERROR(CheckWritable());
  GH_ASSIGN_OR_RETURN(
      sql::Statement * q,
      db_.Prepare("INSERT INTO signing_keys (kid, alg, public_key, sealed_private, created_at, "
                  "retired_at, revoked) VALUES ($1, $2, $3, $4, $5, $6, $7) "
                  "ON CONFLICT (kid) DO UPDATE SET alg = excluded.alg, "
                  "public_key = excluded.public_key, sealed_private = excluded.sealed_private, "
                  "created_at = excluded.created_at, retired_at = excluded.retired_at, "
                  "revoked = excluded.revoked"));
  q->Bind(1, key.kid).Bind(2, key.alg).BindBlob(3, key.public_key);
  if (key.sealed_private.empty()) {
    q->BindNull(4);
  } else {
    q->BindBlob(4, key.sealed_private);
  }
  return q->Bind(5, key.created_at)
      .Bind(6, key.retired_at)
      .Bind(7, std::int64_t{key.revoked})
      .Run();
}

Status SqlTx::DeleteSigningKey(std::string_view kid) {
  return Changed("DELETE FROM signing_keys WHERE kid = $1", kid).status();
}

}  // namespace gatehouse::store
