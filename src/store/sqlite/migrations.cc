#include "store/sqlite/migrations.h"

#include <string_view>
#include <vector>

namespace gatehouse::store {
namespace {

struct Migration {
  int version;
  std::string_view sql;
};

const std::vector<Migration>& Migrations() {
  static const auto* migrations = new std::vector<Migration>{
      {1, R"sql(
        CREATE TABLE signing_keys (
          kid TEXT PRIMARY KEY,
          alg TEXT NOT NULL,
          public_key BLOB NOT NULL,
          sealed_private BLOB,
          created_at INTEGER NOT NULL,
          retired_at INTEGER,
          revoked INTEGER NOT NULL DEFAULT 0
        );
      )sql"},
  };
  return *migrations;
}

}  // namespace

int LatestSqliteSchemaVersion() { return Migrations().back().version; }

Result<int> ApplySqliteMigrations(SqliteDb& db) {
  GH_RETURN_IF_ERROR(
      db.Exec("CREATE TABLE IF NOT EXISTS schema_migrations ("
              "version INTEGER PRIMARY KEY, applied_at INTEGER NOT NULL)"));
  int current = 0;
  {
    GH_ASSIGN_OR_RETURN(Statement * q,
                        db.Prepare("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    GH_ASSIGN_OR_RETURN(bool row, q->Step());
    if (row) current = static_cast<int>(q->Int(0));
    q->Reset();
  }
  if (current > LatestSqliteSchemaVersion()) {
    return FailedPrecondition("database schema version " + std::to_string(current) +
                              " is newer than this binary knows (" +
                              std::to_string(LatestSqliteSchemaVersion()) + ")");
  }
  for (const Migration& m : Migrations()) {
    if (m.version <= current) continue;
    GH_RETURN_IF_ERROR(InTransaction(db, [&]() -> Status {
      GH_RETURN_IF_ERROR(db.Exec(m.sql));
      GH_ASSIGN_OR_RETURN(
          Statement * ins,
          db.Prepare("INSERT INTO schema_migrations (version, applied_at) "
                     "VALUES (?, CAST(strftime('%s','now') AS INTEGER) * 1000)"));
      return ins->Bind(1, static_cast<std::int64_t>(m.version)).Run();
    }));
    current = m.version;
  }
  return current;
}

}  // namespace gatehouse::store
