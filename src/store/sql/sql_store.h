#pragma once
// SqlStore: the Store methods that are the same SQL on every SQL backend (read transactions,
// keys, the event log, audit, garbage collection, statistics; sql_queries.h), over two hooks each
// backend provides: where it reads, and how it runs a write transaction.

#include <functional>

#include "store/sql/sql.h"
#include "store/store.h"

namespace gatehouse::store {

class SqlStore : public Store {
 public:
  // A read transaction (Dialect::begin_read: one consistent snapshot) on a reader.
  Status Read(std::function<Status(Tx&)> fn) final;
  Result<std::vector<SigningKeyRecord>> ListSigningKeys() final;
  Result<std::vector<EventRecord>> ReadEvents(std::int64_t after, int limit) final;
  Result<std::int64_t> LastEventSeq() final;
  Result<std::int64_t> FirstEventSeq() final;
  Result<int> PruneEvents(std::int64_t before_at, int limit) final;
  Result<std::vector<AuditRecord>> ListAudit(std::string_view user_id, std::int64_t before,
                                             int limit) final;
  Result<int> DeleteDeadSessions(std::int64_t now, std::int64_t revoked_before, int limit) final;
  Result<StoreStats> Stats() final;

 protected:
  using OnConnection = std::function<Status(sql::Connection&)>;
  // Runs `fn` on a connection that sees every committed write.
  virtual Status WithReader(const OnConnection& fn) = 0;
  // Runs `fn` inside a write transaction, as Write runs its callbacks.
  virtual Status WithWriter(const OnConnection& fn) = 0;

 private:
  template <typename T, typename Query>
  Result<T> Read(Query&& query);
  template <typename T, typename Query>
  Result<T> Change(Query&& query);
};

}  // namespace gatehouse::store
