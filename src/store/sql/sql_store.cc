#include "store/sql/sql_store.h"

#include "store/sql/sql_queries.h"
#include "store/sql/sql_tx.h"

namespace gatehouse::store {

template <typename T, typename Query>
Result<T> SqlStore::Read(Query&& query) {
  std::optional<T> out;
  GH_RETURN_IF_ERROR(WithReader([&](sql::Connection& db) -> Status {
    GH_ASSIGN_OR_RETURN(out, query(db));
    return OkStatus();
  }));
  return std::move(*out);
}

template <typename T, typename Query>
Result<T> SqlStore::Change(Query&& query) {
  std::optional<T> out;
  GH_RETURN_IF_ERROR(WithWriter([&](sql::Connection& db) -> Status {
    GH_ASSIGN_OR_RETURN(out, query(db));  // assigned on every run: safe to run again
    return OkStatus();
  }));
  return std::move(*out);
}

Status SqlStore::Read(std::function<Status(Tx&)> fn) {
  return WithReader([&](sql::Connection& db) -> Status {
    GH_RETURN_IF_ERROR(sql::Run(db, db.dialect().begin_read));
    SqlTx tx(db, /*writable=*/false);
    Status s;
    try {
      s = fn(tx);
    } catch (const std::exception& e) {
      s = Internal(std::string("read failed: ") + e.what());
    }
    db.ResetAll();
    Status end = sql::Run(db, "COMMIT");
    if (!end) (void)sql::Run(db, "ROLLBACK");
    if (!s) return s;
    return end;
  });
}

Result<std::vector<SigningKeyRecord>> SqlStore::ListSigningKeys() {
  return Read<std::vector<SigningKeyRecord>>([](auto& db) { return sql::ListSigningKeys(db); });
}

Result<std::vector<EventRecord>> SqlStore::ReadEvents(std::int64_t after, int limit) {
  return Read<std::vector<EventRecord>>(
      [&](auto& db) { return sql::ReadEvents(db, after, limit); });
}

Result<std::int64_t> SqlStore::LastEventSeq() {
  return Read<std::int64_t>([](auto& db) { return sql::LastEventSeq(db); });
}

Result<std::int64_t> SqlStore::FirstEventSeq() {
  return Read<std::int64_t>([](auto& db) { return sql::FirstEventSeq(db); });
}

Result<std::vector<AuditRecord>> SqlStore::ListAudit(std::string_view user_id, std::int64_t before,
                                                     int limit) {
  return Read<std::vector<AuditRecord>>(
      [&](auto& db) { return sql::ListAudit(db, user_id, before, limit); });
}

Result<StoreStats> SqlStore::Stats() {
  return Read<StoreStats>([](auto& db) { return sql::Stats(db); });
}

Result<int> SqlStore::PruneEvents(std::int64_t before_at, int limit) {
  return Change<int>([&](auto& db) { return sql::PruneEvents(db, before_at, limit); });
}

Result<int> SqlStore::DeleteDeadSessions(std::int64_t now, std::int64_t revoked_before, int limit) {
  return Change<int>(
      [&](auto& db) { return sql::DeleteDeadSessions(db, now, revoked_before, limit); });
}

}  // namespace gatehouse::store
