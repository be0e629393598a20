#include "store/sqlite/sqlite_db.h"

#include <algorithm>

namespace gatehouse::store {

SqliteStatement& SqliteStatement::Bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}

SqliteStatement& SqliteStatement::Bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

SqliteStatement& SqliteStatement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_.get(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  return *this;
}

SqliteStatement& SqliteStatement::BindNull(int index) {
  sqlite3_bind_null(stmt_.get(), index);
  return *this;
}

Result<bool> SqliteStatement::Step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Fail(rc);
}

void SqliteStatement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::int64_t SqliteStatement::Int(int column) const {
  return sqlite3_column_int64(stmt_.get(), column);
}

std::string SqliteStatement::Text(int column) const {
  const auto* p = sqlite3_column_text(stmt_.get(), column);
  const int n = sqlite3_column_bytes(stmt_.get(), column);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), n);
}

std::string SqliteStatement::Blob(int column) const {
  const void* p = sqlite3_column_blob(stmt_.get(), column);
  const int n = sqlite3_column_bytes(stmt_.get(), column);
  return p == nullptr ? std::string() : std::string(static_cast<const char*>(p), n);
}

bool SqliteStatement::IsNull(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

std::int64_t SqliteStatement::Changes() const {
  return sqlite3_changes64(sqlite3_db_handle(stmt_.get()));
}

Error SqliteStatement::Fail(int rc) const {
  const std::string message =
      std::string("sqlite: ") + sqlite3_errmsg(sqlite3_db_handle(stmt_.get()));
  if ((rc & 0xff) == SQLITE_CONSTRAINT) return AlreadyExists(message);
  return Unavailable(message);
}

Result<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path) {
  sqlite3* raw = nullptr;
  // "unix-excl": this process alone may open the file (a second gatehouse on it would keep a
  // revocation state that never hears of the first one's changes; PostgreSQL serves many), and
  // the WAL index lives in this process's memory, not in a mapped -shm file, whose pages the
  // kernel answers with SIGBUS once the file system stops taking writes (read-only, immutable).
  const int rc = sqlite3_open_v2(path.c_str(), &raw,
                                 SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                                 "unix-excl");
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw));  // NOLINT: private constructor
  if (rc != SQLITE_OK) {
    return Unavailable("sqlite: cannot open " + path + ": " +
                       (raw ? sqlite3_errmsg(raw) : "out of memory"));
  }
  sqlite3_busy_timeout(raw, 5000);
  if (Status wal = db->Exec("PRAGMA journal_mode=WAL"); !wal) {
    if (sqlite3_errcode(raw) != SQLITE_BUSY) return wal.error();
    return Unavailable("sqlite: " + path +
                       " is in use by another process (one gatehouse serves a SQLite file; "
                       "instances that share a database need PostgreSQL)");
  }
  GH_RETURN_IF_ERROR(db->Exec("PRAGMA synchronous=FULL"));
  GH_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=ON"));
  return db;
}

Status SqliteDb::Exec(std::string_view sql) {
  char* err = nullptr;
  const int rc = sqlite3_exec(db_.get(), std::string(sql).c_str(), nullptr, nullptr, &err);
  if (rc != SQLITE_OK) {
    std::string message = err ? err : sqlite3_errstr(rc);
    sqlite3_free(err);
    return Unavailable("sqlite: " + message);
  }
  return OkStatus();
}

Result<sql::Statement*> SqliteDb::Prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  // $N (the SQL layer's parameters) is ?N here; no statement of ours has a '$' anywhere else.
  std::string text(sql);
  std::replace(text.begin(), text.end(), '$', '?');
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db_.get(), text.data(), static_cast<int>(text.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  if (rc != SQLITE_OK) return ErrorFrom(rc, "prepare");
  auto stmt = std::make_unique<SqliteStatement>(raw);
  SqliteStatement* out = stmt.get();
  statements_.emplace(std::string(sql), std::move(stmt));
  return out;
}

bool SqliteDb::LastErrorIsDiskTrouble() const {
  const int code = sqlite3_errcode(db_.get()) & 0xff;
  return code == SQLITE_FULL || code == SQLITE_IOERR || code == SQLITE_READONLY ||
         code == SQLITE_CANTOPEN;
}

std::int64_t SqliteDb::TotalChanges() const { return sqlite3_total_changes64(db_.get()); }

void SqliteDb::ResetAll() {
  for (auto& [sql, stmt] : statements_) stmt->Reset();
}

const sql::Dialect& SqliteDb::dialect() const {
  static constexpr sql::Dialect kSqlite{
      .name = "sqlite",
      .begin_write = "BEGIN IMMEDIATE",
      .begin_read = "BEGIN",  // WAL: the first read takes the snapshot
      .lock_row = "",         // one writer: the write transaction holds the database
      .migration_lock = "",
      .advance_audit_seq = "UPDATE counters SET value = value + 1 WHERE name = 'audit_seq'",
      .audit_seq = "(SELECT value FROM counters WHERE name = 'audit_seq')",
      .schema_types = [](std::string_view ddl) { return std::string(ddl); }};
  return kSqlite;
}

Error SqliteDb::ErrorFrom(int rc, std::string_view what) const {
  return Unavailable("sqlite " + std::string(what) + ": " + sqlite3_errmsg(db_.get()) + " (" +
                     std::to_string(rc) + ")");
}

}  // namespace gatehouse::store
