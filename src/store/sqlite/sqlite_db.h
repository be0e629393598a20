#pragma once
// SqliteDb and Statement: RAII over sqlite3* and sqlite3_stmt*, returning Result/Status.
// Errors from SQLite are kUnavailable (I/O, busy, corrupt) except constraint violations, which are
// kAlreadyExists.
//
// Ownership: SqliteDb owns the connection and its cached statements.
// Thread-safety: not thread-safe; one connection per thread or behind a mutex.

#include <sqlite3.h>

#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/result.h"

namespace gatehouse::store {

struct SqliteDeleter {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};

class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}

  // Binds by 1-based index. Text and blobs are copied by SQLite.
  Statement& Bind(int index, std::int64_t value);
  Statement& Bind(int index, std::string_view text);
  Statement& BindBlob(int index, std::string_view bytes);
  Statement& BindNull(int index);
  Statement& Bind(int index, const std::optional<std::int64_t>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // True when a row is ready, false when done.
  Result<bool> Step();
  // Runs to completion (for writes).
  Status Run();
  // Clears bindings and rewinds; called automatically before reuse by SqliteDb::Prepare.
  void Reset();

  std::int64_t Int(int column) const;
  std::string Text(int column) const;
  std::string Blob(int column) const;
  bool IsNull(int column) const;
  std::optional<std::int64_t> OptionalInt(int column) const {
    return IsNull(column) ? std::nullopt : std::optional(Int(column));
  }

 private:
  std::unique_ptr<sqlite3_stmt, SqliteDeleter> stmt_;
  Error Fail(int rc) const;
};

class SqliteDb {
 public:
  // Opens (creating if needed) the database file with WAL, synchronous=FULL, foreign keys on and
  // a busy timeout.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path);

  Status Exec(std::string_view sql);
  // Like Exec for one statement, but through the statement cache (for hot statements such as
  // SAVEPOINT and COMMIT).
  Status Run(std::string_view sql);
  // A cached prepared statement, reset and ready to bind. Valid until the next Prepare of the
  // same SQL text.
  Result<Statement*> Prepare(std::string_view sql);

  // Resets every cached statement, ending their read snapshots (call before COMMIT).
  void ResetAll();
  // True when the connection's last error says the disk cannot take the write (full, an I/O
  // error, read-only): the store is then not ready until a write succeeds again.
  bool LastErrorIsDiskTrouble() const;
  // Rows changed by this connection since it opened.
  std::int64_t TotalChanges() const;

  sqlite3* handle() { return db_.get(); }
  Error ErrorFrom(int rc, std::string_view what) const;

 private:
  explicit SqliteDb(sqlite3* db) : db_(db) {}
  std::unique_ptr<sqlite3, SqliteDeleter> db_;
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  // Keyed by SQL text; looked up by string_view without building a string.
  std::unordered_map<std::string, std::unique_ptr<Statement>, SqlHash, std::equal_to<>> statements_;
};

// Runs `body` inside BEGIN IMMEDIATE … COMMIT, rolling back on any error.
template <typename Fn>
Status InTransaction(SqliteDb& db, Fn&& body) {
  GH_RETURN_IF_ERROR(db.Exec("BEGIN IMMEDIATE"));
  Status s = body();
  if (!s) {
    (void)db.Exec("ROLLBACK");
    return s;
  }
  Status c = db.Exec("COMMIT");
  if (!c) (void)db.Exec("ROLLBACK");
  return c;
}

}  // namespace gatehouse::store
