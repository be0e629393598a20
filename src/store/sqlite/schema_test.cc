#include "store/sql/schema.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "store/sqlite/sqlite_db.h"

namespace gatehouse::store {
namespace {

TEST(SqliteSchema, ApplyOnceAndRecordVersion) {
  const auto path =
      std::filesystem::temp_directory_path() / ("gh-migrate-" + std::to_string(::getpid()) + ".db");
  std::filesystem::remove(path);
  {
    auto db = SqliteDb::Open(path.string()).value();
    EXPECT_EQ(sql::ApplyMigrations(*db).value(), sql::LatestSchemaVersion());
    EXPECT_EQ(sql::ApplyMigrations(*db).value(), sql::LatestSchemaVersion());  // idempotent
    auto q = db->Prepare("SELECT COUNT(*) FROM schema_migrations").value();
    ASSERT_TRUE(q->Step().value());
    EXPECT_EQ(q->Int(0), sql::LatestSchemaVersion());
  }
  {
    // A database from a newer binary is refused rather than used.
    auto db = SqliteDb::Open(path.string()).value();
    ASSERT_TRUE(db->Exec("INSERT INTO schema_migrations VALUES (9999, 0)").ok());
    auto r = sql::ApplyMigrations(*db);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().code(), ErrorCode::kFailedPrecondition);
  }
  std::filesystem::remove(path);
  std::filesystem::remove(path.string() + "-wal");
  std::filesystem::remove(path.string() + "-shm");
}

}  // namespace
}  // namespace gatehouse::store
