#pragma once
// VerifiedTokenCache: access tokens whose signature and claims were already checked, so a token
// seen again skips the signature check (DESIGN.md "Performance shape").
//
// Keyed by a hash of the token's last 64 characters (its signature's); a hit also compares the
// full token text (kept once, in the claims), so a hash collision can only cause a miss, never
// let an unverified token through. Each
// entry is dropped at its `drop_at` (the token's exp plus leeway): lookups past it miss, and
// EvictExpired frees them. Only signature/claims results are cached; revocation checks never are.
//
// Bounded in entries, with CLOCK (second-chance) eviction per shard: a hit marks its entry; when
// a shard is full, the hand takes the first entry that is expired or unmarked, clearing marks as
// it passes. Insert, Find and eviction are O(1) amortised at any fill: each mark the hand clears
// was paid for by one Find, and no step scans the shard.
//
// Thread-safety: all methods are safe to call concurrently (16 shards, reader/writer locks; a
// hit's mark is an atomic, so Find needs only the shared lock).

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/clock.h"
#include "common/mutex.h"
#include "tokens/access_token.h"

namespace gatehouse::tokens {

class VerifiedTokenCache {
 public:
  // Default: 2^20 entries. An entry holds the token and its claims (docs/benchmarks.md has the
  // bytes per entry); the cache grows to the bound only with that many live tokens.
  static constexpr std::size_t kDefaultEntries = std::size_t{1} << 20;
  explicit VerifiedTokenCache(std::size_t max_entries = kDefaultEntries);

  // The cached claims, or null when absent or past drop_at.
  std::shared_ptr<const AccessClaims> Find(std::string_view token, SystemTime now) const;
  // Caches `claims` under claims->token.
  void Insert(std::shared_ptr<const AccessClaims> claims, SystemTime drop_at, SystemTime now);
  std::size_t EvictExpired(SystemTime now);
  void Clear();
  std::size_t size() const;
  std::size_t capacity() const { return per_shard_max_ * kShards; }

 private:
  static constexpr std::size_t kShards = 16;
  struct Entry {
    std::uint64_t hash = 0;
    std::uint32_t ring_at = 0;  // its position on the shard's clock
    std::int64_t drop_at_ms = 0;
    std::shared_ptr<const AccessClaims> claims;
    mutable std::atomic<bool> referenced{false};
  };
  struct Shard {
    mutable Mutex mu;
    std::unordered_map<std::uint64_t, Entry> entries GUARDED_BY(mu);  // nodes never move
    std::vector<Entry*> ring GUARDED_BY(mu);         // the clock: null where a slot is free
    std::vector<std::uint32_t> free GUARDED_BY(mu);  // positions emptied by EvictExpired
    std::size_t hand GUARDED_BY(mu) = 0;
  };

  static std::uint64_t Hash(std::string_view token);
  Shard& ShardFor(std::uint64_t hash) const { return shards_[hash % kShards]; }
  // A position for a new entry: a free one, a new one below the bound, or the CLOCK victim's.
  std::uint32_t TakePosition(Shard& shard, std::int64_t now_ms) REQUIRES(shard.mu);
  static void Empty(Shard& shard, std::uint32_t at) REQUIRES(shard.mu);

  const std::size_t per_shard_max_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace gatehouse::tokens
