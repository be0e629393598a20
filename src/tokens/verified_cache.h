#pragma once
// VerifiedTokenCache: access tokens whose signature and claims were already checked, so a token
// seen again skips the signature check (DESIGN.md "Performance shape").
//
// Keyed by a hash of the whole token; a hit also compares the full token text, so a hash
// collision can only cause a miss, never let an unverified token through. Each entry is dropped
// at its `drop_at` (the token's exp plus leeway): lookups past it miss, and EvictExpired frees
// them. Bounded in entries: when a shard is full, expired entries go first, then an arbitrary one.
// Only signature/claims results are cached; revocation checks never are.
//
// Thread-safety: all methods are safe to call concurrently (16 shards, reader/writer locks).

#include <array>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"
#include "common/mutex.h"
#include "tokens/access_token.h"

namespace gatehouse::tokens {

class VerifiedTokenCache {
 public:
  // Default: 200,000 entries (~100 MB at most with typical token sizes).
  explicit VerifiedTokenCache(std::size_t max_entries = 200'000);

  // The cached claims, or null when absent or past drop_at.
  std::shared_ptr<const AccessClaims> Find(std::string_view token, SystemTime now) const;
  void Insert(std::string_view token, std::shared_ptr<const AccessClaims> claims,
              SystemTime drop_at, SystemTime now);
  std::size_t EvictExpired(SystemTime now);
  void Clear();
  std::size_t size() const;

 private:
  static constexpr std::size_t kShards = 16;
  struct Entry {
    std::string token;
    std::shared_ptr<const AccessClaims> claims;
    std::int64_t drop_at_ms = 0;
  };
  struct Shard {
    mutable Mutex mu;
    std::unordered_map<std::uint64_t, Entry> entries GUARDED_BY(mu);
  };

  static std::uint64_t Hash(std::string_view token);
  Shard& ShardFor(std::uint64_t hash) const { return shards_[hash % kShards]; }

  const std::size_t per_shard_max_;
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace gatehouse::tokens
