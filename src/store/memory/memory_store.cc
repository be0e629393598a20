#include "store/memory/memory_store.h"

#include <algorithm>

namespace gatehouse::store {

Result<std::vector<SigningKeyRecord>> MemoryStore::ListSigningKeys() {
  MutexLock lock(mu_);
  std::vector<SigningKeyRecord> out;
  for (const auto& [kid, key] : keys_) out.push_back(key);
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
    return a.created_at < b.created_at;
  });
  return out;
}

Status MemoryStore::SaveSigningKeys(const std::vector<SigningKeyRecord>& keys) {
  MutexLock lock(mu_);
  for (const auto& key : keys) keys_[key.kid] = key;
  return OkStatus();
}

Status MemoryStore::DeleteSigningKeys(const std::vector<std::string>& kids) {
  MutexLock lock(mu_);
  for (const auto& kid : kids) keys_.erase(kid);
  return OkStatus();
}

}  // namespace gatehouse::store
