#pragma once
// SqliteDb and SqliteStatement: RAII over sqlite3* and sqlite3_stmt*, the SQL layer's
// Connection and Statement (store/sql/sql.h) for SQLite.
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
#include "store/sql/sql.h"

namespace gatehouse::store {

struct SqliteDeleter {
  void operator()(sqlite3* db) const { sqlite3_close_v2(db); }
  void operator()(sqlite3_stmt* stmt) const { sqlite3_finalize(stmt); }
};

class SqliteStatement final : public sql::Statement {
 public:
  explicit SqliteStatement(sqlite3_stmt* stmt) : stmt_(stmt) {}

  using sql::Statement::Bind;
  SqliteStatement& Bind(int index, std::int64_t value) override;
  SqliteStatement& Bind(int index, std::string_view text) override;
  SqliteStatement& BindBlob(int index, std::string_view bytes) override;
  SqliteStatement& BindNull(int index) override;
  Result<bool> Step() override;
  void Reset() override;
  std::int64_t Changes() const override;
  std::int64_t Int(int column) const override;
  std::string Text(int column) const override;
  std::string Blob(int column) const override;
  bool IsNull(int column) const override;

 private:
  std::unique_ptr<sqlite3_stmt, SqliteDeleter> stmt_;
  Error Fail(int rc) const;
};

class SqliteDb final : public sql::Connection {
 public:
  // Opens (creating if needed) the database file with WAL, synchronous=FULL, foreign keys on and
  // a busy timeout.
  static Result<std::unique_ptr<SqliteDb>> Open(const std::string& path);

  // The SQL layer's Connection (store/sql/sql.h). Prepare reads `$N` parameters as SQLite's ?N.
  Status Exec(std::string_view sql) override;
  Result<sql::Statement*> Prepare(std::string_view sql) override;
  void ResetAll() override;
  const sql::Dialect& dialect() const override;
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
  std::unordered_map<std::string, std::unique_ptr<SqliteStatement>, SqlHash, std::equal_to<>>
      statements_;
};

}  // namespace gatehouse::store
