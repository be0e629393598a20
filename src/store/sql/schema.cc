#include "store/sql/schema.h"

#include <string_view>
#include <vector>

#include "common/clock.h"

namespace gatehouse::store::sql {
namespace {

struct Migration {
  int version;
  std::string_view sql;       // in SQLite's types
  std::string_view postgres;  // PostgreSQL's own part, run after `sql` there ("": none)
};

const std::vector<Migration>& Migrations() {
  static const auto* migrations = new std::vector<Migration>{
      {1, R"sql(
        CREATE TABLE signing_keys (
          kid TEXT PRIMARY KEY,
          alg TEXT NOT NULL,
          public_key BLOB NOT NULL,
          sealed_private BLOB,
          created_at INTEGER NOT NULL,
          retired_at INTEGER,
          revoked INTEGER NOT NULL DEFAULT 0
        );
      )sql"},
      {2, R"sql(
        CREATE TABLE sessions (
          handle TEXT PRIMARY KEY,
          user_id TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          last_active_at INTEGER NOT NULL,
          idle_expires_at INTEGER NOT NULL,
          absolute_expires_at INTEGER NOT NULL,
          expires_at INTEGER NOT NULL,
          user_agent TEXT NOT NULL DEFAULT '',
          ip TEXT NOT NULL DEFAULT '',
          session_data TEXT NOT NULL DEFAULT '{}',
          access_payload TEXT NOT NULL DEFAULT '{}',
          refresh_hash BLOB NOT NULL,
          refresh_promoted_at INTEGER NOT NULL,
          revoked_at INTEGER,
          revoke_reason TEXT NOT NULL DEFAULT ''
        );
        CREATE INDEX sessions_user ON sessions (user_id, created_at);
        CREATE INDEX sessions_expires ON sessions (expires_at);
        CREATE INDEX sessions_revoked ON sessions (revoked_at) WHERE revoked_at IS NOT NULL;
        CREATE TABLE refresh_tokens (
          hash BLOB PRIMARY KEY,
          session_handle TEXT NOT NULL,
          parent_hash BLOB NOT NULL,
          state INTEGER NOT NULL,
          created_at INTEGER NOT NULL,
          superseded_at INTEGER
        );
        CREATE INDEX refresh_tokens_session ON refresh_tokens (session_handle, created_at);
        CREATE TABLE events (
          seq INTEGER PRIMARY KEY,
          type TEXT NOT NULL,
          at INTEGER NOT NULL,
          payload TEXT NOT NULL
        );
        CREATE TABLE counters (
          name TEXT PRIMARY KEY,
          value INTEGER NOT NULL
        );
        INSERT INTO counters (name, value) VALUES ('event_seq', 0), ('audit_seq', 0);
        CREATE TABLE audit (
          seq INTEGER PRIMARY KEY,
          at INTEGER NOT NULL,
          type TEXT NOT NULL,
          user_id TEXT NOT NULL,
          session_handle TEXT NOT NULL,
          actor TEXT NOT NULL,
          ip TEXT NOT NULL,
          detail TEXT NOT NULL
        );
        CREATE INDEX audit_user ON audit (user_id, seq);
      )sql"},
      {3, R"sql(
        CREATE TABLE users (
          id TEXT PRIMARY KEY,
          email TEXT NOT NULL UNIQUE,
          password_hash TEXT NOT NULL,
          created_at INTEGER NOT NULL,
          banned INTEGER NOT NULL DEFAULT 0,
          ban_reason TEXT NOT NULL DEFAULT ''
        );
      )sql"},
      {4, R"sql(
        CREATE TABLE roles (name TEXT PRIMARY KEY);
        CREATE TABLE role_permissions (
          role TEXT NOT NULL,
          permission TEXT NOT NULL,
          PRIMARY KEY (role, permission)
        );
        CREATE TABLE user_roles (
          user_id TEXT NOT NULL,
          role TEXT NOT NULL,
          PRIMARY KEY (user_id, role)
        );
        CREATE INDEX user_roles_role ON user_roles (role, user_id);
        CREATE TABLE claims_versions (
          user_id TEXT PRIMARY KEY,
          ver INTEGER NOT NULL
        );
      )sql"},
      {5, R"sql(
        CREATE TABLE bans (
          user_id TEXT PRIMARY KEY,
          reason TEXT NOT NULL,
          at INTEGER NOT NULL
        );
      )sql"},
      // Audit numbers from a sequence where writers are many (Dialect::audit_seq), starting
      // past the counter row's value; SQLite keeps the counter.
      {6, "", R"sql(
        CREATE SEQUENCE audit_seq;
        SELECT setval('audit_seq', value + 1, false) FROM counters WHERE name = 'audit_seq';
      )sql"},
      {7, R"sql(
        CREATE TABLE throttles (
          key TEXT PRIMARY KEY,
          failures TEXT NOT NULL,
          in_flight INTEGER NOT NULL,
          updated_at INTEGER NOT NULL
        );
        CREATE INDEX throttles_updated ON throttles (updated_at);
      )sql",
       ""},
      // The SuperTokens face's one-time tokens (password reset, email verification), verified
      // emails, users listed in the order they joined, and its apps.
      {8, R"sql(
        CREATE TABLE one_time_tokens (
          hash TEXT PRIMARY KEY,
          kind TEXT NOT NULL,
          user_id TEXT NOT NULL,
          email TEXT NOT NULL,
          expires_at INTEGER NOT NULL
        );
        CREATE INDEX one_time_tokens_user ON one_time_tokens (user_id, kind);
        CREATE INDEX one_time_tokens_expiry ON one_time_tokens (expires_at);
        CREATE TABLE verified_emails (
          user_id TEXT NOT NULL,
          email TEXT NOT NULL,
          PRIMARY KEY (user_id, email)
        );
        CREATE INDEX users_joined ON users (created_at, id);
        CREATE TABLE face_apps (
          id TEXT PRIMARY KEY,
          config TEXT NOT NULL,
          removed INTEGER NOT NULL
        );
      )sql",
       ""},
  };
  return *migrations;
}

}  // namespace

int LatestSchemaVersion() { return Migrations().back().version; }

namespace {

Result<int> CurrentVersion(Connection& db) {
  GH_ASSIGN_OR_RETURN(Statement * q,
                      db.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
  GH_ASSIGN_OR_RETURN(bool row, q->Step());
  const int current = row ? static_cast<int>(q->Int(0)) : 0;
  q->Reset();
  return current;
}

}  // namespace

Result<int> ApplyMigrations(Connection& db) {
  const Dialect& dialect = db.dialect();
  int current = 0;
  for (bool done = false; !done;) {
    GH_RETURN_IF_ERROR(InTransaction(db, [&]() -> Status {
      if (!dialect.migration_lock.empty()) GH_RETURN_IF_ERROR(Run(db, dialect.migration_lock));
      GH_RETURN_IF_ERROR(db.Exec(
          dialect.schema_types("CREATE TABLE IF NOT EXISTS schema_migrations ("
                               "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)")));
      GH_ASSIGN_OR_RETURN(current, CurrentVersion(db));
      if (current > LatestSchemaVersion()) {
        return FailedPrecondition("database schema version " + std::to_string(current) +
                                  " is newer than this binary knows (" +
                                  std::to_string(LatestSchemaVersion()) + ")");
      }
      done = current == LatestSchemaVersion();
      if (done) return OkStatus();
      const Migration& m = Migrations()[static_cast<std::size_t>(current)];  // version current+1
      if (!m.sql.empty()) GH_RETURN_IF_ERROR(db.Exec(dialect.schema_types(m.sql)));
      if (dialect.name == "postgres" && !m.postgres.empty())
        GH_RETURN_IF_ERROR(db.Exec(m.postgres));
      GH_ASSIGN_OR_RETURN(Statement * ins,
                          db.Prepare("INSERT INTO schema_migrations (version, applied_at) "
                                     "VALUES ($1, $2)"));
      GH_RETURN_IF_ERROR(
          ins->Bind(1, std::int64_t{m.version}).Bind(2, ToUnixMillis(Clock::Real().Now())).Run());
      current = m.version;
      return OkStatus();
    }));
  }
  return current;
}

}  // namespace gatehouse::store::sql
