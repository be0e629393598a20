#pragma once
// The thin statement layer under both SQL backends: a Connection prepares statements, a
// Statement binds, steps through rows and reads columns. SqlTx, the schema and the store's
// queries are written once against it (store/sql), in one dialect both backends run:
//
//   * parameters are `$1`, `$2`, … (PostgreSQL's form; the SQLite connection reads them as ?N);
//   * upserts are `INSERT … ON CONFLICT … DO …`; `RETURNING` reads what a write changed;
//   * what differs is named in Dialect and nowhere else.
//
// Errors: a constraint violation is kAlreadyExists; anything else the database reports is
// kUnavailable (the caller answers 503), except bad text (e.g. a NUL byte, which PostgreSQL
// refuses), which is kInvalidArgument.
//
// Ownership: a Connection owns its statements; a Statement is valid until its connection closes.
// Thread-safety: none; one thread uses a connection at a time.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse::store::sql {

class Statement {
 public:
  virtual ~Statement() = default;

  // Binds by 1-based index. The values are copied.
  virtual Statement& Bind(int index, std::int64_t value) = 0;
  virtual Statement& Bind(int index, std::string_view text) = 0;
  virtual Statement& BindBlob(int index, std::string_view bytes) = 0;
  virtual Statement& BindNull(int index) = 0;
  Statement& Bind(int index, const std::optional<std::int64_t>& value) {
    return value ? Bind(index, *value) : BindNull(index);
  }

  // True when a row is ready, false when done. The first Step runs the statement.
  virtual Result<bool> Step() = 0;
  // Runs to completion (for writes).
  Status Run();
  // Runs a write whose outcome the transaction does not look at before it ends. Where the
  // backend pipelines (PostgreSQL) the statement is only sent, and its error is reported by the
  // transaction's next statement that returns rows or by its COMMIT; elsewhere it runs at once.
  // With `unchanged` set, changing no row is an error too: kNotFound with that message.
  virtual Status RunLater(std::string_view unchanged = {});
  // The first column of the first row (nullopt: no row), then rewinds.
  Result<std::optional<std::int64_t>> FirstInt();
  // Clears bindings and rewinds.
  virtual void Reset() = 0;
  // Rows the statement inserted, updated or deleted, once it has run.
  virtual std::int64_t Changes() const = 0;

  virtual std::int64_t Int(int column) const = 0;  // integers and booleans
  virtual std::string Text(int column) const = 0;
  virtual std::string Blob(int column) const = 0;
  virtual bool IsNull(int column) const = 0;
  std::optional<std::int64_t> OptionalInt(int column) const {
    return IsNull(column) ? std::nullopt : std::optional(Int(column));
  }
};

// What the backends do differently, as data.
struct Dialect {
  std::string_view name;  // "sqlite", "postgres"
  // Opens a write transaction, and a read transaction (one snapshot for all its reads).
  std::string_view begin_write;
  std::string_view begin_read;
  // Appended to a read of a row that a write transaction goes on to change, so that two
  // writers of the same row take turns ("" where the whole database has one writer).
  std::string_view lock_row;
  // Runs first in a migration's transaction so that instances starting together take turns.
  std::string_view migration_lock;
  // A new audit entry's number: a counter row where there is one writer (advanced by
  // `advance_audit_seq` first, then read by `audit_seq`); a sequence where there are many, so
  // that audited writes (every refresh) do not queue on one row, read in the insert itself.
  std::string_view advance_audit_seq;  // "" when `audit_seq` advances by itself
  std::string_view audit_seq;          // an SQL expression
  // The schema's column types as this backend spells them (migrations are written with
  // SQLite's): PostgreSQL gets BIGINT for INTEGER, BYTEA for BLOB and byte-ordered TEXT, which is
  // how SQLite compares text.
  std::string (*schema_types)(std::string_view ddl);
};

class Connection {
 public:
  virtual ~Connection() = default;
  // A prepared statement (cached by SQL text), reset and ready to bind. Valid until the next
  // Prepare of the same text.
  virtual Result<Statement*> Prepare(std::string_view sql) = 0;
  // Runs SQL text that may hold several statements and no parameters.
  virtual Status Exec(std::string_view sql) = 0;
  // Resets every cached statement (ends their reads; call before COMMIT).
  virtual void ResetAll() = 0;
  virtual const Dialect& dialect() const = 0;
};

// Prepares, runs and resets one statement that takes no parameters.
Status Run(Connection& db, std::string_view sql);
// The same, through RunLater.
Status RunLater(Connection& db, std::string_view sql);

// Runs `body` inside the dialect's write transaction, rolling back on any error.
template <typename Fn>
Status InTransaction(Connection& db, Fn&& body) {
  GH_RETURN_IF_ERROR(Run(db, db.dialect().begin_write));
  Status s = body();
  if (!s) {
    (void)Run(db, "ROLLBACK");
    return s;
  }
  Status c = Run(db, "COMMIT");
  if (!c) (void)Run(db, "ROLLBACK");
  return c;
}

}  // namespace gatehouse::store::sql
