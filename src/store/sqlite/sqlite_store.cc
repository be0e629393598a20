#include "store/sqlite/sqlite_store.h"

#include <future>
#include <limits>

#include "common/thread_name.h"
#include "store/sql/schema.h"
#include "store/sql/sql_tx.h"

namespace gatehouse::store {

struct SqliteStore::WriteJob {
  std::function<Status(Tx&)> fn;
  std::promise<Status> done;
  bool probe = false;  // Ping's test write: changes the database header, nothing else
};

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, Options options) {
  GH_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path));
  GH_RETURN_IF_ERROR(sql::ApplyMigrations(*db));
  return std::unique_ptr<SqliteStore>(new SqliteStore(path, options, std::move(db)));  // NOLINT
}

SqliteStore::SqliteStore(std::string path, Options options, std::unique_ptr<SqliteDb> writer)
    : path_(std::move(path)), options_(options), writer_db_(std::move(writer)) {
  writer_ = std::thread([this] {
    SetThreadName("gh-sql-writer");
    WriterLoop();
  });
}

SqliteStore::~SqliteStore() {
  {
    std::lock_guard lock(queue_mu_);
    stopping_ = true;
  }
  queue_cv_.notify_all();
  writer_.join();
}

Status SqliteStore::Write(std::function<Status(Tx&)> fn) {
  WriteJob job{.fn = std::move(fn), .done = {}};
  return Enqueue(job);
}

Status SqliteStore::Enqueue(WriteJob& job) {
  std::future<Status> result = job.done.get_future();
  {
    std::lock_guard lock(queue_mu_);
    if (stopping_) return Unavailable("store is shutting down");
    queue_.push_back(&job);
  }
  queue_cv_.notify_one();
  return result.get();
}

void SqliteStore::WriterLoop() {
  std::deque<WriteJob*> batch;
  while (true) {
    {
      std::unique_lock lock(queue_mu_);
      queue_cv_.wait(lock, [this] { return stopping_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping and drained
      while (!queue_.empty() && batch.size() < options_.max_batch) {
        batch.push_back(queue_.front());
        queue_.pop_front();
      }
    }
    RunBatch(batch);
    batch.clear();
  }
}

void SqliteStore::RunBatch(std::deque<WriteJob*>& batch) {
  SqliteDb& db = *writer_db_;
  std::vector<Status> results(batch.size());
  std::string trouble;  // why this batch could not be written, when the disk is the reason
  auto note_trouble = [&db, &trouble](const Status& s) {
    if (!s && trouble.empty() && db.LastErrorIsDiskTrouble()) trouble = s.error().message();
  };
  const std::int64_t changes_before = db.TotalChanges();
  bool probed = false;
  Status begin = sql::Run(db, "BEGIN IMMEDIATE");
  if (!begin) {
    note_trouble(begin);
    if (!trouble.empty()) {
      std::lock_guard lock(queue_mu_);
      write_trouble_ = trouble;
    }
    for (WriteJob* job : batch) job->done.set_value(begin);
    return;
  }
  SqlTx tx(db, /*writable=*/true);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Status s = sql::Run(db, "SAVEPOINT w");
    const std::size_t events_before = tx.appended_events().size();
    if (s) {
      try {
        if (batch[i]->probe) {
          s = db.Exec("PRAGMA user_version = " + std::to_string(++probes_ % 2));
          probed = true;
        } else {
          s = batch[i]->fn(tx);
        }
      } catch (const std::exception& e) {
        s = Internal(std::string("write failed: ") + e.what());
      }
      note_trouble(s);
      db.ResetAll();
      if (!s) {
        (void)sql::Run(db, "ROLLBACK TO w");
        tx.DiscardEventsFrom(events_before);
      }
      if (Status r = sql::Run(db, "RELEASE w"); !r && s) s = r;
    }
    results[i] = std::move(s);
  }
  db.ResetAll();
  Status commit = sql::Run(db, "COMMIT");
  note_trouble(commit);
  if (!commit) (void)sql::Run(db, "ROLLBACK");
  {
    std::lock_guard lock(queue_mu_);
    ++commits_;
    if (!trouble.empty()) {
      write_trouble_ = trouble;
    } else if (commit && (probed || db.TotalChanges() > changes_before)) {
      write_trouble_.clear();  // something reached the disk again
    }
  }
  if (commit && !tx.appended_events().empty() && listener_) listener_(tx.appended_events());
  for (std::size_t i = 0; i < batch.size(); ++i) {
    batch[i]->done.set_value(commit ? std::move(results[i]) : commit);
  }
}

std::uint64_t SqliteStore::commits() const {
  std::lock_guard lock(queue_mu_);
  return commits_;
}

template <typename Fn>
auto SqliteStore::OnReadConnection(Fn&& fn) -> decltype(fn(std::declval<SqliteDb&>())) {
  std::unique_ptr<SqliteDb> db;
  {
    MutexLock lock(readers_mu_);
    if (!idle_readers_.empty()) {
      db = std::move(idle_readers_.back());
      idle_readers_.pop_back();
    }
  }
  if (db == nullptr) {
    GH_ASSIGN_OR_RETURN(db, SqliteDb::Open(path_));
    GH_RETURN_IF_ERROR(db->Exec("PRAGMA query_only=1"));
  }
  auto result = fn(*db);
  db->ResetAll();
  MutexLock lock(readers_mu_);
  idle_readers_.push_back(std::move(db));
  return result;
}

Status SqliteStore::Ping() {
  bool writes_failing = false;
  {
    std::lock_guard lock(queue_mu_);
    writes_failing = !write_trouble_.empty();
  }
  if (writes_failing) {
    // Writes failed for want of disk: ready again only when a test write goes through.
    WriteJob job{.fn = {}, .done = {}, .probe = true};
    if (Status s = Enqueue(job); !s)
      return Unavailable("store cannot write: " + s.error().message());
  }
  return OnReadConnection([](SqliteDb& db) -> Status { return sql::Run(db, "SELECT 1"); });
}

Status SqliteStore::WithReader(const OnConnection& fn) {
  return OnReadConnection([&](SqliteDb& db) { return fn(db); });
}

Status SqliteStore::WithWriter(const OnConnection& fn) {
  return Write([&](Tx&) { return fn(*writer_db_); });
}

}  // namespace gatehouse::store
