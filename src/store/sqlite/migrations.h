#pragma once
// The SQLite schema as an ordered list of migrations. Applied at start (and by
// `gatehouse migrate`): each one runs in its own transaction and is recorded in
// schema_migrations, so a crash mid-way leaves the database at the previous version.

#include "store/sqlite/sqlite_db.h"

namespace gatehouse::store {

// Applies every migration newer than the database's version. Returns the version reached.
Result<int> ApplySqliteMigrations(SqliteDb& db);
int LatestSqliteSchemaVersion();

}  // namespace gatehouse::store
