#pragma once
// MemoryStore: the Store in process memory, for unit tests and as the reference the contract
// suite is written against. Not durable.
//
// Thread-safety: every method takes one mutex, so each call is atomic.

#include <map>

#include "common/mutex.h"
#include "store/store.h"

namespace gatehouse::store {

class MemoryStore final : public Store {
 public:
  Status Ping() override { return OkStatus(); }
  Result<std::vector<SigningKeyRecord>> ListSigningKeys() override;
  Status SaveSigningKeys(const std::vector<SigningKeyRecord>& keys) override;
  Status DeleteSigningKeys(const std::vector<std::string>& kids) override;

 private:
  Mutex mu_;
  std::map<std::string, SigningKeyRecord> keys_ GUARDED_BY(mu_);
};

}  // namespace gatehouse::store
