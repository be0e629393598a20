#include "tokens/verified_cache.h"

#include <functional>

namespace gatehouse::tokens {

VerifiedTokenCache::VerifiedTokenCache(std::size_t max_entries)
    : per_shard_max_(std::max<std::size_t>(1, max_entries / kShards)) {}

std::uint64_t VerifiedTokenCache::Hash(std::string_view token) {
  return std::hash<std::string_view>{}(token);
}

std::shared_ptr<const AccessClaims> VerifiedTokenCache::Find(std::string_view token,
                                                             SystemTime now) const {
  const std::uint64_t hash = Hash(token);
  Shard& shard = ShardFor(hash);
  ReaderLock lock(shard.mu);
  const auto it = shard.entries.find(hash);
  if (it == shard.entries.end() || it->second.drop_at_ms < ToUnixMillis(now) ||
      it->second.token != token) {
    return nullptr;
  }
  return it->second.claims;
}

void VerifiedTokenCache::Insert(std::string_view token, std::shared_ptr<const AccessClaims> claims,
                                SystemTime drop_at, SystemTime now) {
  const std::uint64_t hash = Hash(token);
  Shard& shard = ShardFor(hash);
  MutexLock lock(shard.mu);
  if (shard.entries.size() >= per_shard_max_ && !shard.entries.contains(hash)) {
    const std::int64_t now_ms = ToUnixMillis(now);
    std::erase_if(shard.entries, [&](const auto& kv) { return kv.second.drop_at_ms < now_ms; });
    if (shard.entries.size() >= per_shard_max_) shard.entries.erase(shard.entries.begin());
  }
  shard.entries.insert_or_assign(
      hash, Entry{std::string(token), std::move(claims), ToUnixMillis(drop_at)});
}

std::size_t VerifiedTokenCache::EvictExpired(SystemTime now) {
  const std::int64_t now_ms = ToUnixMillis(now);
  std::size_t evicted = 0;
  for (Shard& shard : shards_) {
    MutexLock lock(shard.mu);
    evicted +=
        std::erase_if(shard.entries, [&](const auto& kv) { return kv.second.drop_at_ms < now_ms; });
  }
  return evicted;
}

void VerifiedTokenCache::Clear() {
  for (Shard& shard : shards_) {
    MutexLock lock(shard.mu);
    shard.entries.clear();
  }
}

std::size_t VerifiedTokenCache::size() const {
  std::size_t n = 0;
  for (Shard& shard : shards_) {
    ReaderLock lock(shard.mu);
    n += shard.entries.size();
  }
  return n;
}

}  // namespace gatehouse::tokens
