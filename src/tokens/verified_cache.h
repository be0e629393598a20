#pragma once
// VerifiedTokenCache: access tokens whose signature and claims were already checked, so a token
// seen again skips the signature check (DESIGN.md "Performance shape").
//
// Keyed by a hash of the token's last 64 characters (its signature's); a hit also compares the
// full token text (kept in the claims' block), so a hash collision can only cause a miss, never
// let an unverified token through. Each entry is dropped at its `drop_at` (the token's exp plus
// leeway): lookups past it miss, and EvictExpired frees them. Only signature/claims results are
// cached; revocation checks never are.
//
// Layout, for many live tokens: each shard is an open-addressing table (linear probing, at most
// half full) of slots holding the hash, drop_at and the claims, in memory advised onto huge
// pages; the claims, their token text and payload are one block (AccessClaims). A hit reads its
// slot, then asks for the block's lines all at once, so at a million live tokens it costs two
// trips to memory, not one per node and string.
//
// Bounded in entries, with CLOCK (second-chance) eviction per shard: a hit marks its slot; when
// a shard is full, the hand takes the first entry that is expired or unmarked, clearing marks as
// it passes. Insert, Find and eviction are O(1) amortised at any fill: each mark the hand clears
// was paid for by one Find, and no step scans the shard. A shard's table starts small and
// doubles as it fills, so memory grows with the live tokens, not to the bound at once; it does
// not shrink after expiries (Clear gives it back).
//
// Thread-safety: all methods are safe to call concurrently (16 shards, reader/writer locks; a
// hit's mark is an atomic, so Find needs only the shared lock).

#include <cstdint>
#include <memory>
#include <string_view>

#include "common/clock.h"
#include "tokens/access_claims.h"

namespace gatehouse::tokens {

class VerifiedTokenCache {
 public:
  // Default: 2^20 entries. An entry holds the token and its claims (docs/benchmarks.md has the
  // bytes per entry); the cache grows to the bound only with that many live tokens.
  static constexpr std::size_t kDefaultEntries = std::size_t{1} << 20;
  explicit VerifiedTokenCache(std::size_t max_entries = kDefaultEntries);
  ~VerifiedTokenCache();
  VerifiedTokenCache(const VerifiedTokenCache&) = delete;
  VerifiedTokenCache& operator=(const VerifiedTokenCache&) = delete;

  // The cached claims, or null when absent or past drop_at.
  std::shared_ptr<const AccessClaims> Find(std::string_view token, SystemTime now) const;
  // Caches `claims` under claims->token (replacing an entry of the same token).
  void Insert(std::shared_ptr<const AccessClaims> claims, SystemTime drop_at, SystemTime now);
  std::size_t EvictExpired(SystemTime now);
  void Clear();
  std::size_t size() const;
  std::size_t capacity() const { return per_shard_max_ * kShards; }

 private:
  static constexpr std::size_t kShards = 16;
  class Shard;  // verified_cache.cc

  static std::uint64_t Hash(std::string_view token);
  Shard& ShardFor(std::uint64_t hash) const;

  const std::size_t per_shard_max_;
  std::unique_ptr<Shard[]> shards_;
};

}  // namespace gatehouse::tokens
