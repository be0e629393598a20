#pragma once
// SqliteStore: the embedded Store on one SQLite file (WAL, synchronous=FULL: durable when a call
// returns). Migrations are applied by Open.
//
// Ownership: owns its connection. Thread-safety: safe to call concurrently (calls are serialised
// on one connection).

#include <memory>
#include <string>

#include "common/mutex.h"
#include "store/sqlite/sqlite_db.h"
#include "store/store.h"

namespace gatehouse::store {

class SqliteStore final : public Store {
 public:
  static Result<std::unique_ptr<SqliteStore>> Open(const std::string& path);

  Status Ping() override;
  Result<std::vector<SigningKeyRecord>> ListSigningKeys() override;
  Status SaveSigningKeys(const std::vector<SigningKeyRecord>& keys) override;
  Status DeleteSigningKeys(const std::vector<std::string>& kids) override;

 private:
  explicit SqliteStore(std::unique_ptr<SqliteDb> db) : db_(std::move(db)) {}
  Mutex mu_;
  std::unique_ptr<SqliteDb> db_ GUARDED_BY(mu_);
};

}  // namespace gatehouse::store
