#include "store/sqlite/sqlite_store.h"

#include "store/sqlite/migrations.h"

namespace gatehouse::store {

Result<std::unique_ptr<SqliteStore>> SqliteStore::Open(const std::string& path) {
  GH_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDb> db, SqliteDb::Open(path));
  GH_RETURN_IF_ERROR(ApplySqliteMigrations(*db));
  return std::unique_ptr<SqliteStore>(new SqliteStore(std::move(db)));  // NOLINT
}

Status SqliteStore::Ping() {
  MutexLock lock(mu_);
  GH_ASSIGN_OR_RETURN(Statement * q, db_->Prepare("SELECT 1"));
  return q->Run();
}

Result<std::vector<SigningKeyRecord>> SqliteStore::ListSigningKeys() {
  MutexLock lock(mu_);
  GH_ASSIGN_OR_RETURN(Statement * q,
                      db_->Prepare("SELECT kid, alg, public_key, sealed_private, created_at, "
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
}

Status SqliteStore::SaveSigningKeys(const std::vector<SigningKeyRecord>& keys) {
  MutexLock lock(mu_);
  return InTransaction(*db_, [&]() -> Status {
    for (const auto& key : keys) {
      GH_ASSIGN_OR_RETURN(
          Statement * q,
          db_->Prepare("INSERT OR REPLACE INTO signing_keys (kid, alg, public_key, "
                       "sealed_private, created_at, retired_at, revoked) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?)"));
      q->Bind(1, key.kid).Bind(2, key.alg).BindBlob(3, key.public_key);
      if (key.sealed_private.empty()) {
        q->BindNull(4);
      } else {
        q->BindBlob(4, key.sealed_private);
      }
      q->Bind(5, key.created_at).Bind(6, key.retired_at).Bind(7, std::int64_t{key.revoked});
      GH_RETURN_IF_ERROR(q->Run());
    }
    return OkStatus();
  });
}

Status SqliteStore::DeleteSigningKeys(const std::vector<std::string>& kids) {
  MutexLock lock(mu_);
  return InTransaction(*db_, [&]() -> Status {
    for (const auto& kid : kids) {
      GH_ASSIGN_OR_RETURN(Statement * q, db_->Prepare("DELETE FROM signing_keys WHERE kid = ?"));
      GH_RETURN_IF_ERROR(q->Bind(1, kid).Run());
    }
    return OkStatus();
  });
}

}  // namespace gatehouse::store
