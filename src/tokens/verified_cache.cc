#include "tokens/verified_cache.h"

#include <functional>

namespace gatehouse::tokens {

VerifiedTokenCache::VerifiedTokenCache(std::size_t max_entries)
    : per_shard_max_(std::max<std::size_t>(1, (max_entries + kShards - 1) / kShards)) {}

// The last 64 characters: the signature's, distinct for every token (lookups compare the whole
// token anyway), so a hit hashes a fifth of a typical token.
std::uint64_t VerifiedTokenCache::Hash(std::string_view token) {
  constexpr std::size_t kTail = 64;
  return std::hash<std::string_view>{}(token.size() > kTail ? token.substr(token.size() - kTail)
                                                            : token);
}

std::shared_ptr<const AccessClaims> VerifiedTokenCache::Find(std::string_view token,
                                                             SystemTime now) const {
  const std::uint64_t hash = Hash(token);
  Shard& shard = ShardFor(hash);
  ReaderLock lock(shard.mu);
  const auto it = shard.entries.find(hash);
  if (it == shard.entries.end()) return nullptr;
  const Entry& entry = it->second;
  if (entry.drop_at_ms < ToUnixMillis(now) || entry.claims->token != token) return nullptr;
  if (!entry.referenced.load(std::memory_order_relaxed)) {
    entry.referenced.store(true, std::memory_order_relaxed);
  }
  return entry.claims;
}

void VerifiedTokenCache::Insert(std::shared_ptr<const AccessClaims> claims, SystemTime drop_at,
                                SystemTime now) {
  const std::uint64_t hash = Hash(claims->token);
  Shard& shard = ShardFor(hash);
  MutexLock lock(shard.mu);
  auto it = shard.entries.find(hash);
  if (it == shard.entries.end()) {  // else the same token again, or a colliding one: replace it
    const std::uint32_t at = TakePosition(shard, ToUnixMillis(now));
    it = shard.entries.try_emplace(hash).first;
    it->second.hash = hash;
    it->second.ring_at = at;
    shard.ring[at] = &it->second;
  }
  Entry& entry = it->second;
  entry.drop_at_ms = ToUnixMillis(drop_at);
  entry.claims = std::move(claims);
  entry.referenced.store(false, std::memory_order_relaxed);
}

std::uint32_t VerifiedTokenCache::TakePosition(Shard& shard, std::int64_t now_ms) {
  if (!shard.free.empty()) {
    const std::uint32_t at = shard.free.back();
    shard.free.pop_back();
    return at;
  }
  if (shard.ring.size() < per_shard_max_) {
    shard.ring.push_back(nullptr);
    return static_cast<std::uint32_t>(shard.ring.size() - 1);
  }
  // Every position is in use. One revolution clears every mark, so this ends within two.
  for (;;) {
    const auto at = static_cast<std::uint32_t>(shard.hand);
    shard.hand = (shard.hand + 1) % shard.ring.size();
    const Entry& entry = *shard.ring[at];
    if (entry.drop_at_ms < now_ms || !entry.referenced.exchange(false, std::memory_order_relaxed)) {
      shard.entries.erase(entry.hash);
      return at;
    }
  }
}

void VerifiedTokenCache::Empty(Shard& shard, std::uint32_t at) {
  shard.entries.erase(shard.ring[at]->hash);
  shard.ring[at] = nullptr;
  shard.free.push_back(at);
}

std::size_t VerifiedTokenCache::EvictExpired(SystemTime now) {
  const std::int64_t now_ms = ToUnixMillis(now);
  std::size_t evicted = 0;
  for (Shard& shard : shards_) {
    MutexLock lock(shard.mu);
    for (std::uint32_t at = 0; at < shard.ring.size(); ++at) {
      if (shard.ring[at] != nullptr && shard.ring[at]->drop_at_ms < now_ms) {
        Empty(shard, at);
        ++evicted;
      }
    }
  }
  return evicted;
}

void VerifiedTokenCache::Clear() {
  for (Shard& shard : shards_) {
    MutexLock lock(shard.mu);
    shard.entries.clear();
    shard.ring.clear();
    shard.free.clear();
    shard.hand = 0;
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
