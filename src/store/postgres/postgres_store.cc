#include "store/postgres/postgres_store.h"

#include <poll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <algorithm>

#include "common/thread_name.h"
#include "store/sql/schema.h"
#include "store/sql/sql_tx.h"

namespace gatehouse::store {

class PostgresStore::Lease {
 public:
  Lease(PostgresStore& store, std::unique_ptr<PgConnection> db)
      : store_(&store), db_(std::move(db)) {}
  Lease(Lease&& other) noexcept = default;
  Lease& operator=(Lease&&) = delete;
  ~Lease() {
    if (db_ != nullptr) store_->Return(std::move(db_));
  }
  PgConnection& operator*() { return *db_; }

 private:
  PostgresStore* store_;
  std::unique_ptr<PgConnection> db_;
};

Result<std::unique_ptr<PostgresStore>> PostgresStore::Open(const std::string& url,
                                                           Options options) {
  std::unique_ptr<PostgresStore> store(new PostgresStore(url, options));  // NOLINT
  {
    // At start the operator reads the error: libpq's own words.
    GH_ASSIGN_OR_RETURN(std::unique_ptr<PgConnection> db, PgConnection::Open(url));
    GH_RETURN_IF_ERROR(sql::ApplyMigrations(*db));
    {
      std::lock_guard lock(store->mu_);
      ++store->open_;  // counted as lent out; Return puts it in the pool
    }
    store->Return(std::move(db));
  }
  return store;
}

PostgresStore::~PostgresStore() { StopListening(); }

void PostgresStore::SetForeignCommitListener(ForeignCommitListener listener) {
  StopListening();
  if (!listener) return;
  wake_fd_ = ::eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
  stop_listening_.store(false);
  listening_ = std::thread([this, listener = std::move(listener)] {
    SetThreadName("gh-pg-listen");
    ListenLoop(listener);
  });
}

void PostgresStore::StopListening() {
  if (!listening_.joinable()) return;
  stop_listening_.store(true);
  const std::uint64_t one = 1;
  (void)!::write(wake_fd_, &one, sizeof one);
  listening_.join();
  ::close(wake_fd_);
  wake_fd_ = -1;
}

bool PostgresStore::AwaitSocket(PGconn* conn, Millis timeout) {
  pollfd fds[2] = {{.fd = wake_fd_, .events = POLLIN, .revents = 0},
                   {.fd = conn != nullptr ? PQsocket(conn) : -1, .events = POLLIN, .revents = 0}};
  (void)::poll(fds, conn != nullptr ? 2 : 1, static_cast<int>(timeout.count()));
  return !stop_listening_.load();
}

void PostgresStore::ListenLoop(const ForeignCommitListener& listener) {
  Millis backoff{100};
  while (!stop_listening_.load()) {
    Result<std::unique_ptr<PgConnection>> db = Connect();
    if (db && (*db)->Exec("LISTEN gatehouse_events")) {
      backoff = Millis{100};
      listener();  // whatever was committed while this connection was not listening
      PGconn* conn = (*db)->handle();
      while (AwaitSocket(conn, Millis{1000})) {
        if (PQconsumeInput(conn) == 0) break;  // lost: connect again
        bool heard = false;
        while (PGnotify* n = PQnotifies(conn)) {
          heard = true;
          PQfreemem(n);
        }
        if (heard) listener();  // one read for a burst of notifications
      }
    }
    if (!AwaitSocket(nullptr, backoff)) return;
    backoff = std::min(backoff * 2, Millis{5000});
  }
}

Result<std::unique_ptr<PgConnection>> PostgresStore::Connect() {
  Result<std::unique_ptr<PgConnection>> db = PgConnection::Open(url_);
  if (db) return db;
  const std::int64_t now = ToUnixMillis(Clock::Real().Now());
  std::int64_t last = connect_error_logged_ms_.load();
  if (options_.on_connect_error && now - last >= 5000 &&
      connect_error_logged_ms_.compare_exchange_strong(last, now)) {
    options_.on_connect_error(db.error().message());
  }
  return Unavailable("postgres: cannot reach the database");
}

Result<PostgresStore::Lease> PostgresStore::Borrow() {
  {
    std::unique_lock lock(mu_);
    returned_.wait(lock, [this] { return !idle_.empty() || open_ < options_.max_connections; });
    if (!idle_.empty()) {
      std::unique_ptr<PgConnection> db = std::move(idle_.back());
      idle_.pop_back();
      return Lease(*this, std::move(db));
    }
    ++open_;  // a slot for the connection made below, outside the lock
  }
  Result<std::unique_ptr<PgConnection>> db = Connect();
  if (!db) {
    {
      std::lock_guard lock(mu_);
      --open_;
    }
    returned_.notify_one();
    return db.error();
  }
  return Lease(*this, std::move(db).value());
}

void PostgresStore::Return(std::unique_ptr<PgConnection> db) {
  {
    std::lock_guard lock(mu_);
    (void)db->Drain();  // nothing is left unread in a pipeline, but be sure
    if (db->broken()) {
      --open_;  // dropped: the next Borrow connects again
    } else {
      db->ResetAll();
      idle_.push_back(std::move(db));
    }
  }
  returned_.notify_one();
}

std::uint64_t PostgresStore::retries() const {
  std::lock_guard lock(mu_);
  return retries_;
}

template <typename Fn>
auto PostgresStore::WithConnection(Fn&& fn) -> decltype(fn(std::declval<PgConnection&>())) {
  GH_ASSIGN_OR_RETURN(Lease db, Borrow());
  return fn(*db);
}

Status PostgresStore::Transact(const std::function<Status(PgConnection&, Tx&)>& body) {
  Status last = OkStatus();
  for (int attempt = 0; attempt < options_.max_attempts; ++attempt) {
    GH_ASSIGN_OR_RETURN(Lease lease, Borrow());
    PgConnection& db = *lease;
    SqlTx tx(db, /*writable=*/true);
    // BEGIN goes out with the first read, the writes after the last read with COMMIT.
    Status s = sql::RunLater(db, db.dialect().begin_write);
    if (s) {
      try {
        s = body(db, tx);
      } catch (const std::exception& e) {
        s = Internal(std::string("write failed: ") + e.what());
      }
    }
    if (s && !tx.appended_events().empty()) {
      s = sql::RunLater(db, "SELECT pg_notify('gatehouse_events', '')");
    }
    db.ResetAll();
    if (s) s = sql::Run(db, "COMMIT");
    if (s) {
      if (!tx.appended_events().empty() && listener_) listener_(tx.appended_events());
      return OkStatus();
    }
    (void)db.Exec("ROLLBACK");
    if (s.error().reason() != kRetryReason) return s;
    last = std::move(s);
    std::lock_guard lock(mu_);
    ++retries_;
  }
  // Still failing after every attempt: plain `unavailable` to the caller (the retry reason is
  // the store's own business, not an error code of the API).
  return Unavailable(last.error().message());
}

Status PostgresStore::Write(std::function<Status(Tx&)> fn) {
  return Transact([&fn](PgConnection&, Tx& tx) { return fn(tx); });
}

Status PostgresStore::Ping() {
  return WithConnection([](PgConnection& db) { return sql::Run(db, "SELECT 1"); });
}

Status PostgresStore::WithReader(const OnConnection& fn) {
  return WithConnection([&](PgConnection& db) { return fn(db); });
}

Status PostgresStore::WithWriter(const OnConnection& fn) {
  return Transact([&](PgConnection& db, Tx&) { return fn(db); });
}

}  // namespace gatehouse::store
