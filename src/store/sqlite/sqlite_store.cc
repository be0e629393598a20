#include "store/sqlite/sqlite_store.h"

#include <future>
#include <limits>

#include "common/thread_name.h"
#include "store/sqlite/migrations.h"
#include "store/sqlite/sqlite_tx.h"

namespace gatehouse::store {

struct SqliteStore::WriteJob {
  std::function<Status(Tx&)> fn;
  std::promise<Status> done;
  bool probe = false;  // Ping's test write: changes the database header, nothing else
};

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path, Options options) {
  GH_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path));
  GH_RETURN_IF_ERROR(ApplySqliteMigrations(*db));
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
  Status begin = db.Run("BEGIN IMMEDIATE");
  if (!begin) {
    note_trouble(begin);
    if (!trouble.empty()) {
      std::lock_guard lock(queue_mu_);
      write_trouble_ = trouble;
    }
    for (WriteJob* job : batch) job->done.set_value(begin);
    return;
  }
  SqliteTx tx(db, /*writable=*/true);
  for (std::size_t i = 0; i < batch.size(); ++i) {
    Status s = db.Run("SAVEPOINT w");
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
        (void)db.Run("ROLLBACK TO w");
        tx.DiscardEventsFrom(events_before);
      }
      if (Status r = db.Run("RELEASE w"); !r && s) s = r;
    }
    results[i] = std::move(s);
  }
  db.ResetAll();
  Status commit = db.Run("COMMIT");
  note_trouble(commit);
  if (!commit) (void)db.Run("ROLLBACK");
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
auto SqliteStore::WithReader(Fn&& fn) -> decltype(fn(std::declval<SqliteDb&>())) {
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

Status SqliteStore::Read(std::function<Status(Tx&)> fn) {
  return WithReader([&](SqliteDb& db) -> Status {
    GH_RETURN_IF_ERROR(db.Run("BEGIN"));
    SqliteTx tx(db, /*writable=*/false);
    Status s;
    try {
      s = fn(tx);
    } catch (const std::exception& e) {
      s = Internal(std::string("read failed: ") + e.what());
    }
    db.ResetAll();
    Status end = db.Run("COMMIT");
    if (!end) (void)db.Run("ROLLBACK");
    if (!s) return s;
    return end;
  });
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
  return WithReader([](SqliteDb& db) -> Status {
    GH_ASSIGN_OR_RETURN(Statement * q, db.Prepare("SELECT 1"));
    return q->Run();
  });
}

Result<std::vector<SigningKeyRecord>> SqliteStore::ListSigningKeys() {
  return WithReader([](SqliteDb& db) -> Result<std::vector<SigningKeyRecord>> {
    GH_ASSIGN_OR_RETURN(Statement * q,
                        db.Prepare("SELECT kid, alg, public_key, sealed_private, created_at, "
                                   "retired_at, revoked FROM signing_keys ORDER BY created_at"));
    std::vector<SigningKeyRecord> out;
    while (true) {
      GH_ASSIGN_OR_RETURN(bool row, q->Step());
      if (!row) break;
      out.push_back({.kid = q->Text(0),
                     .alg = q->Text(1),
                     .public_key = q->Blob(2),
                     .sealed_private = q->Blob(3),
                     .created_at = q->Int(4),
                     .retired_at = q->OptionalInt(5),
                     .revoked = q->Int(6) != 0});
    }
    return out;
  });
}

Result<std::vector<EventRecord>> SqliteStore::ReadEvents(std::int64_t after, int limit) {
  return WithReader([&](SqliteDb& db) -> Result<std::vector<EventRecord>> {
    GH_ASSIGN_OR_RETURN(Statement * q, db.Prepare("SELECT seq, type, at, payload FROM events "
                                                  "WHERE seq > ? ORDER BY seq LIMIT ?"));
    q->Bind(1, after).Bind(2, std::int64_t{limit});
    std::vector<EventRecord> out;
    while (true) {
      GH_ASSIGN_OR_RETURN(bool row, q->Step());
      if (!row) break;
      out.push_back({.seq = q->Int(0), .type = q->Text(1), .at = q->Int(2), .payload = q->Text(3)});
    }
    return out;
  });
}

Result<std::int64_t> SqliteStore::LastEventSeq() {
  return WithReader([](SqliteDb& db) -> Result<std::int64_t> {
    GH_ASSIGN_OR_RETURN(Statement * q,
                        db.Prepare("SELECT value FROM counters WHERE name = 'event_seq'"));
    GH_ASSIGN_OR_RETURN(bool row, q->Step());
    const std::int64_t seq = row ? q->Int(0) : 0;
    q->Reset();
    return seq;
  });
}

Result<std::int64_t> SqliteStore::FirstEventSeq() {
  return WithReader([](SqliteDb& db) -> Result<std::int64_t> {
    GH_ASSIGN_OR_RETURN(Statement * q,
                        db.Prepare("SELECT COALESCE((SELECT MIN(seq) FROM events), "
                                   "(SELECT value FROM counters WHERE name = 'event_seq') + 1)"));
    GH_ASSIGN_OR_RETURN(bool row, q->Step());
    const std::int64_t seq = row ? q->Int(0) : 1;
    q->Reset();
    return seq;
  });
}

Result<int> SqliteStore::PruneEvents(std::int64_t before_at, int limit) {
  int deleted = 0;
  GH_RETURN_IF_ERROR(Write([&](Tx&) -> Status {
    GH_ASSIGN_OR_RETURN(Statement * q,
                        writer_db_->Prepare("DELETE FROM events WHERE seq IN (SELECT seq FROM "
                                            "events WHERE at < ? ORDER BY seq LIMIT ?)"));
    GH_RETURN_IF_ERROR(q->Bind(1, before_at).Bind(2, std::int64_t{limit}).Run());
    deleted = sqlite3_changes(writer_db_->handle());
    return OkStatus();
  }));
  return deleted;
}

Result<std::vector<AuditRecord>> SqliteStore::ListAudit(std::string_view user_id,
                                                        std::int64_t before, int limit) {
  return WithReader([&](SqliteDb& db) -> Result<std::vector<AuditRecord>> {
    // One plain range per case, so each page is an index seek (the primary key, or
    // audit_user (user_id, seq)), not a scan that filters: ~1 ms at 10^6 entries.
    constexpr std::string_view kColumns =
        "SELECT seq, at, type, user_id, session_handle, actor, ip, detail FROM audit ";
    static const std::string kAll =
        std::string(kColumns) + "WHERE seq < ?1 ORDER BY seq DESC LIMIT ?2";
    static const std::string kOfUser =
        std::string(kColumns) + "WHERE user_id = ?3 AND seq < ?1 ORDER BY seq DESC LIMIT ?2";
    GH_ASSIGN_OR_RETURN(Statement * q, db.Prepare(user_id.empty() ? kAll : kOfUser));
    q->Bind(1, before > 0 ? before : std::numeric_limits<std::int64_t>::max())
        .Bind(2, std::int64_t{limit});
    if (!user_id.empty()) q->Bind(3, user_id);
    std::vector<AuditRecord> out;
    while (true) {
      GH_ASSIGN_OR_RETURN(bool row, q->Step());
      if (!row) break;
      out.push_back({.seq = q->Int(0),
                     .at = q->Int(1),
                     .type = q->Text(2),
                     .user_id = q->Text(3),
                     .session_handle = q->Text(4),
                     .actor = q->Text(5),
                     .ip = q->Text(6),
                     .detail = q->Text(7)});
    }
    return out;
  });
}

Result<int> SqliteStore::DeleteDeadSessions(std::int64_t now, std::int64_t revoked_before,
                                            int limit) {
  int deleted = 0;
  GH_RETURN_IF_ERROR(Write([&](Tx&) -> Status {
    SqliteDb& db = *writer_db_;
    GH_ASSIGN_OR_RETURN(Statement * pick,
                        db.Prepare("SELECT handle FROM sessions WHERE expires_at <= ?1 UNION "
                                   "SELECT handle FROM sessions WHERE revoked_at < ?2 LIMIT ?3"));
    pick->Bind(1, now).Bind(2, revoked_before).Bind(3, std::int64_t{limit});
    std::vector<std::string> handles;
    while (true) {
      GH_ASSIGN_OR_RETURN(bool row, pick->Step());
      if (!row) break;
      handles.push_back(pick->Text(0));
    }
    for (const auto& handle : handles) {
      GH_ASSIGN_OR_RETURN(Statement * del_tokens,
                          db.Prepare("DELETE FROM refresh_tokens WHERE session_handle = ?"));
      GH_RETURN_IF_ERROR(del_tokens->Bind(1, handle).Run());
      GH_ASSIGN_OR_RETURN(Statement * del, db.Prepare("DELETE FROM sessions WHERE handle = ?"));
      GH_RETURN_IF_ERROR(del->Bind(1, handle).Run());
    }
    deleted = static_cast<int>(handles.size());
    return OkStatus();
  }));
  return deleted;
}

Result<StoreStats> SqliteStore::Stats() {
  return WithReader([](SqliteDb& db) -> Result<StoreStats> {
    StoreStats stats;
    GH_ASSIGN_OR_RETURN(Statement * q, db.Prepare("SELECT (SELECT COUNT(*) FROM sessions), "
                                                  "(SELECT COUNT(*) FROM refresh_tokens)"));
    GH_ASSIGN_OR_RETURN(bool row, q->Step());
    if (row) {
      stats.sessions = q->Int(0);
      stats.refresh_tokens = q->Int(1);
    }
    q->Reset();
    return stats;
  });
}

}  // namespace gatehouse::store
