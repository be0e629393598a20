#include "store/sqlite/sqlite_db.h"

namespace gatehouse::store {

Statement& Statement::Bind(int index, std::int64_t value) {
  sqlite3_bind_int64(stmt_.get(), index, value);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  sqlite3_bind_text64(stmt_.get(), index, text.data(), text.size(), SQLITE_TRANSIENT, SQLITE_UTF8);
  return *this;
}

Statement& Statement::BindBlob(int index, std::string_view bytes) {
  sqlite3_bind_blob64(stmt_.get(), index, bytes.data(), bytes.size(), SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_.get(), index);
  return *this;
}

Result<bool> Statement::Step() {
  const int rc = sqlite3_step(stmt_.get());
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return Fail(rc);
}

Status Statement::Run() {
  while (true) {
    GH_ASSIGN_OR_RETURN(bool row, Step());
    if (!row) return OkStatus();
  }
}

void Statement::Reset() {
  sqlite3_reset(stmt_.get());
  sqlite3_clear_bindings(stmt_.get());
}

std::int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_.get(), column); }

std::string Statement::Text(int column) const {
  const auto* p = sqlite3_column_text(stmt_.get(), column);
  const int n = sqlite3_column_bytes(stmt_.get(), column);
  return p == nullptr ? std::string() : std::string(reinterpret_cast<const char*>(p), n);
}

std::string Statement::Blob(int column) const {
  const void* p = sqlite3_column_blob(stmt_.get(), column);
  const int n = sqlite3_column_bytes(stmt_.get(), column);
  return p == nullptr ? std::string() : std::string(static_cast<const char*>(p), n);
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_.get(), column) == SQLITE_NULL;
}

Error Statement::Fail(int rc) const {
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

Status SqliteDb::Run(std::string_view sql) {
  GH_ASSIGN_OR_RETURN(Statement * stmt, Prepare(sql));
  Status s = stmt->Run();
  stmt->Reset();
  return s;
}

Result<Statement*> SqliteDb::Prepare(std::string_view sql) {
  auto it = statements_.find(sql);
  if (it != statements_.end()) {
    it->second->Reset();
    return it->second.get();
  }
  sqlite3_stmt* raw = nullptr;
  const int rc = sqlite3_prepare_v3(db_.get(), sql.data(), static_cast<int>(sql.size()),
                                    SQLITE_PREPARE_PERSISTENT, &raw, nullptr);
  if (rc != SQLITE_OK) return ErrorFrom(rc, "prepare");
  auto stmt = std::make_unique<Statement>(raw);
  Statement* out = stmt.get();
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

Error SqliteDb::ErrorFrom(int rc, std::string_view what) const {
  return Unavailable("sqlite " + std::string(what) + ": " + sqlite3_errmsg(db_.get()) + " (" +
                     std::to_string(rc) + ")");
}

}  // namespace gatehouse::store
