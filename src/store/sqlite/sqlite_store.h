#pragma once
// SqliteStore: the embedded Store on one SQLite file.
//
// Durable on acknowledgement (WAL, synchronous=FULL) and fast through group commit: one writer
// thread owns the write connection, takes every Write waiting in its queue, runs each callback in
// its own SAVEPOINT inside one transaction, and commits them all with one disk flush. Reads run on
// a pool of read-only connections, concurrently with the writer (WAL snapshots).
// Migrations are applied by Open.
//
// Ownership: owns its connections and the writer thread (joined by the destructor).
// Thread-safety: every method is safe to call concurrently.

#include <condition_variable>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>

#include "common/mutex.h"
#include "store/sql/sql_store.h"
#include "store/sqlite/sqlite_db.h"

namespace gatehouse::store {

class SqliteStore final : public SqlStore {
 public:
  struct Options {
    std::size_t max_batch = 256;  // Default: at most 256 writes per commit
  };

  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path, Options options);
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path) {
    return Open(path, Options{});
  }
  ~SqliteStore() override;

  Status Ping() override;
  Status Write(std::function<Status(Tx&)> fn) override;

  void SetCommitListener(CommitListener listener) override { listener_ = std::move(listener); }

  // Commits made so far (for tests and metrics: writes / commits = batching factor).
  std::uint64_t commits() const;

 private:
  struct WriteJob;
  SqliteStore(std::string path, Options options, std::unique_ptr<SqliteDb> writer);

  // Queues `job` for the writer and waits for its outcome.
  Status Enqueue(WriteJob& job);
  void WriterLoop();
  void RunBatch(std::deque<WriteJob*>& batch);
  // Runs `fn` on a pooled read connection.
  template <typename Fn>
  auto OnReadConnection(Fn&& fn) -> decltype(fn(std::declval<SqliteDb&>()));
  Status WithReader(const OnConnection& fn) override;
  Status WithWriter(const OnConnection& fn) override;

  const std::string path_;
  const Options options_;
  std::unique_ptr<SqliteDb> writer_db_;  // only the writer thread touches it after Open

  mutable std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<WriteJob*> queue_;  // guarded by queue_mu_
  bool stopping_ = false;        // guarded by queue_mu_
  std::uint64_t commits_ = 0;    // guarded by queue_mu_
  // Why writes fail, while they fail for want of disk (empty: they work). Set and cleared by
  // the writer; read by Ping.
  std::string write_trouble_;  // guarded by queue_mu_
  std::int64_t probes_ = 0;    // the writer's user_version probe counter (writer thread only)
  CommitListener listener_;    // set before use; called on the writer thread
  std::thread writer_;

  Mutex readers_mu_;
  std::vector<std::unique_ptr<SqliteDb>> idle_readers_ GUARDED_BY(readers_mu_);
};

}  // namespace gatehouse::store
