#pragma once
// The Store's queries outside Tx (store.h: keys, the event log, audit, garbage collection,
// statistics), written once for every SQL backend. Each runs on the connection it is given; the
// backend picks it (a reader, or its writer inside a write transaction for the deletes).

#include <vector>

#include "store/records.h"
#include "store/sql/sql.h"
#include "store/store.h"

namespace gatehouse::store::sql {

Result<std::vector<SigningKeyRecord>> ListSigningKeys(Connection& db);
Result<std::vector<EventRecord>> ReadEvents(Connection& db, std::int64_t after, int limit);
Result<std::int64_t> LastEventSeq(Connection& db);
Result<std::int64_t> FirstEventSeq(Connection& db);
Result<std::vector<AuditRecord>> ListAudit(Connection& db, std::string_view user_id,
                                           std::int64_t before, int limit);
Result<StoreStats> Stats(Connection& db);

// In a write transaction. Both return how many rows of their kind they deleted.
Result<int> PruneEvents(Connection& db, std::int64_t before_at, int limit);
Result<int> DeleteDeadSessions(Connection& db, std::int64_t now, std::int64_t revoked_before,
                               int limit);

}  // namespace gatehouse::store::sql
