#pragma once
// Store: the persistence interface of Gatehouse. One implementation per backend
// (store/sqlite, store/memory for tests; store/postgres later), all passing one contract suite
// (store/store_contract_test.h).
//
// Every method is one atomic unit: it commits entirely or not at all, and it is durable when it
// returns OK. Failures of the backend itself are kUnavailable (the caller answers 503).
// Methods block; call them from worker threads, never from an io thread.
//
// Thread-safety: implementations are safe to call concurrently.

#include <string>
#include <vector>

#include "common/result.h"
#include "store/records.h"

namespace gatehouse::store {

class Store {
 public:
  virtual ~Store() = default;

  // Cheap reachability check for /readyz.
  virtual Status Ping() = 0;

  // Signing keys, oldest first.
  virtual Result<std::vector<SigningKeyRecord>> ListSigningKeys() = 0;
  // Inserts or replaces each record (by kid), all in one transaction.
  virtual Status SaveSigningKeys(const std::vector<SigningKeyRecord>& keys) = 0;
  virtual Status DeleteSigningKeys(const std::vector<std::string>& kids) = 0;
};

}  // namespace gatehouse::store
