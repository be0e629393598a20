#pragma once
// PostgresStore: the Store on a PostgreSQL database, which many `gatehouse serve` processes may
// share (DESIGN.md "Storage").
//
// Each Write runs its callback in its own READ COMMITTED transaction on a pooled connection;
// a row that a write reads and then changes is read FOR UPDATE (Dialect::lock_row), so two
// writers of one session, refresh token or user take turns on that row, here or on another
// instance. Durability is the server's (synchronous_commit); PostgreSQL groups concurrent
// commits into one WAL flush. A transaction that fails with a serialization failure or a
// deadlock is run again, callback included (store.h: callbacks must be safe to re-run), up to
// Options::max_attempts times.
//
// Events: the event_seq counter row is updated in the transaction that appends, so seq is
// gap-free and events commit in seq order across instances. Each such commit also sends
// NOTIFY gatehouse_events; the commit listener hears this process's own commits on the
// committing thread (the Feed reads any gap from the log), and a listening connection
// (SetForeignCommitListener) tells the caller when another instance committed.
//
// Ownership: owns its connections. Thread-safety: every method is safe to call concurrently.

#include <atomic>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/clock.h"
#include "store/postgres/pg_connection.h"
#include "store/sql/sql_store.h"

namespace gatehouse::store {

class PostgresStore final : public SqlStore {
 public:
  struct Options {
    std::size_t max_connections = 16;  // Default: 16 pooled connections
    int max_attempts = 10;             // Default: a write runs at most 10 times
    // Hears why a connection could not be made (libpq's words: host, port, reason), at most
    // once every 5 s. Callers of the store only learn "cannot reach the database": the detail
    // names the database's address, which an answer to a client must not.
    std::function<void(const std::string& detail)> on_connect_error;
  };

  // Connects, applies the migrations (once, whichever instance comes first).
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& url, Options options);
  static Result<std::unique_ptr<PostgresStore>> Open(const std::string& url) {
    return Open(url, Options{});
  }

  Status Ping() override;
  Status Write(std::function<Status(Tx&)> fn) override;

  void SetCommitListener(CommitListener listener) override { listener_ = std::move(listener); }
  // Starts (or, with null, stops) the listening thread: one connection of its own that LISTENs
  // on gatehouse_events, reconnecting with backoff when it is lost.
  void SetForeignCommitListener(ForeignCommitListener listener) override;
  ~PostgresStore() override;

  // Transactions run again after a serialization failure or deadlock (for tests and metrics).
  std::uint64_t retries() const;

 private:
  PostgresStore(std::string url, Options options) : url_(std::move(url)), options_(options) {}
  void StopListening();
  void ListenLoop(const ForeignCommitListener& listener);
  // Waits up to `timeout` on the connection's socket (null: on the wake-up alone); false once
  // StopListening was called.
  bool AwaitSocket(PGconn* conn, Millis timeout);

  // A pooled connection for the length of one call; returned to the pool unless it broke.
  class Lease;
  Result<Lease> Borrow();
  void Return(std::unique_ptr<PgConnection> db);
  // A new connection; a failure is reported to on_connect_error and answered without detail.
  Result<std::unique_ptr<PgConnection>> Connect();
  // Runs `body` on one connection inside a write transaction, retried as Write is. The events
  // `body` appended through `tx` reach the commit listener.
  Status Transact(const std::function<Status(PgConnection&, Tx&)>& body);
  // Runs `fn` on a pooled connection outside any transaction.
  template <typename Fn>
  auto WithConnection(Fn&& fn) -> decltype(fn(std::declval<PgConnection&>()));
  Status WithReader(const OnConnection& fn) override;
  Status WithWriter(const OnConnection& fn) override;

  const std::string url_;
  const Options options_;
  CommitListener listener_;  // set before use

  mutable std::mutex mu_;
  std::condition_variable returned_;
  std::vector<std::unique_ptr<PgConnection>> idle_;  // guarded by mu_
  std::size_t open_ = 0;                             // guarded by mu_: lent out or idle
  std::uint64_t retries_ = 0;                        // guarded by mu_
  std::atomic<std::int64_t> connect_error_logged_ms_{0};

  std::thread listening_;
  int wake_fd_ = -1;  // an eventfd: StopListening wakes the thread's poll
  std::atomic<bool> stop_listening_{false};
};

}  // namespace gatehouse::store
