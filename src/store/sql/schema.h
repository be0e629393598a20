#pragma once
// The schema of both SQL backends, as one ordered list of migrations written in SQLite's types
// (a backend whose types differ rewrites them: Dialect::schema_types). Applied at start (and by
// `gatehouse migrate`): each one runs in its own transaction, under the dialect's migration
// lock, and is recorded in schema_migrations, so a crash mid-way leaves the database at the
// previous version and instances that start together apply each migration once.

#include "store/sql/sql.h"

namespace gatehouse::store::sql {

// Applies every migration newer than the database's version. Returns the version reached;
// kFailedPrecondition for a database newer than this binary.
Result<int> ApplyMigrations(Connection& db);
int LatestSchemaVersion();

}  // namespace gatehouse::store::sql
