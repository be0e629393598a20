#pragma once
// PgConnection and PgStatement: the SQL layer's Connection and Statement (store/sql/sql.h) over
// one libpq connection. Statements are prepared on the server once per connection (named by
// their place in the cache) and run with text parameters for integers and binary ones for text
// and bytes (so a NUL byte or invalid UTF-8 is refused by the server, never cut short); results
// come back in binary.
//
// Pipelining: a statement run with RunLater is only sent (libpq's pipeline mode); the next
// statement that returns rows, or an Exec, goes out behind it and reads every result in one
// round trip, so a transaction's writes after its last decision cost no waiting. The first
// error of the batch is the one reported.
//
// Errors: SQLSTATE class 23 (a constraint) is kAlreadyExists; class 22 (bad data, e.g. invalid
// text) kInvalidArgument; 40001 and 40P01 (serialization failure, deadlock) kUnavailable with
// reason kRetryReason, which the store retries; everything else, and a lost connection,
// kUnavailable. broken() tells the pool to drop the connection.
//
// Ownership: owns the PGconn and its statements. Thread-safety: none; one thread at a time.

#include <libpq-fe.h>

#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "store/sql/sql.h"

namespace gatehouse::store {

struct PgDeleter {
  void operator()(PGconn* c) const { PQfinish(c); }
  void operator()(PGresult* r) const { PQclear(r); }
};
using PgResult = std::unique_ptr<PGresult, PgDeleter>;

class PgConnection;

// A bound parameter: nullopt is NULL; format 0 text, 1 binary.
struct PgParam {
  std::optional<std::string> value;
  int format = 0;
};

// The reason of an error that goes away when the transaction runs again.
inline constexpr std::string_view kRetryReason = "serialization_failure";

class PgStatement final : public sql::Statement {
 public:
  PgStatement(PgConnection& db, std::string name) : db_(db), name_(std::move(name)) {}

  using sql::Statement::Bind;
  PgStatement& Bind(int index, std::int64_t value) override;
  PgStatement& Bind(int index, std::string_view text) override;
  PgStatement& BindBlob(int index, std::string_view bytes) override;
  PgStatement& BindNull(int index) override;
  Result<bool> Step() override;
  Status RunLater(std::string_view unchanged) override;
  void Reset() override;
  std::int64_t Changes() const override { return changes_; }
  std::int64_t Int(int column) const override;
  std::string Text(int column) const override;
  std::string Blob(int column) const override { return Text(column); }
  bool IsNull(int column) const override;

 private:
  PgStatement& Set(int index, std::optional<std::string> value, int format);

  PgConnection& db_;
  const std::string name_;
  std::vector<PgParam> params_;
  PgResult result_;
  int row_ = -1;
  std::int64_t changes_ = 0;
};

class PgConnection final : public sql::Connection {
 public:
  // Connects with a libpq connection string or URI (postgres://user:pw@host:port/db?...).
  static Result<std::unique_ptr<PgConnection>> Open(const std::string& url);

  Result<sql::Statement*> Prepare(std::string_view sql) override;
  Status Exec(std::string_view sql) override;
  void ResetAll() override;
  const sql::Dialect& dialect() const override;

  // True once the connection is lost (or its pipeline could not be read back): the pool drops
  // it.
  bool broken() const { return poisoned_ || PQstatus(conn_.get()) != CONNECTION_OK; }
  PGconn* handle() { return conn_.get(); }

  // Sends a prepared statement without reading its result (see Pipelining above); `unchanged`
  // non-empty: no changed row is kNotFound with that message.
  Status Send(const std::string& name, const std::vector<PgParam>& params,
              std::string_view unchanged);
  // Runs a prepared statement behind whatever was sent; the first error of them all wins.
  Result<PgResult> Execute(const std::string& name, const std::vector<PgParam>& params);
  // Reads back whatever was sent and leaves pipeline mode.
  Status Drain();
  // The error of a failed result (or of the connection when `res` is null).
  Error ErrorFrom(const PGresult* res) const;

 private:
  explicit PgConnection(PGconn* conn) : conn_(conn) {}
  Status EnterPipeline();
  // Syncs the pipeline and reads one result per entry of sent_; the last one's result goes to
  // `last` when given.
  Status Collect(PgResult* last);

  std::unique_ptr<PGconn, PgDeleter> conn_;
  std::vector<std::string> sent_;  // per statement sent and not read: its `unchanged` message
  bool poisoned_ = false;
  struct SqlHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  std::unordered_map<std::string, std::unique_ptr<PgStatement>, SqlHash, std::equal_to<>>
      statements_;
};

}  // namespace gatehouse::store
