#pragma once
// TokenVerifier: full access-token verification in front of a VerifiedTokenCache.
//
// A cache hit re-checks expiry only; a miss runs VerifyAccessToken against the current key set
// and caches the result until the token's exp + leeway, or its retired key's verifies_until if
// sooner. Call OnKeysChanged() after a key is
// revoked so that no cached token signed by it is accepted.
//
// Ownership: holds the cache; reads the key set through `keys_source` on each miss.
// Thread-safety: Verify and OnKeysChanged are safe to call concurrently.

#include <functional>
#include <memory>

#include "tokens/access_token.h"
#include "tokens/verified_cache.h"

namespace gatehouse::tokens {

class TokenVerifier {
 public:
  using KeysSource = std::function<std::shared_ptr<const VerifyKeys>()>;

  TokenVerifier(KeysSource keys_source, VerifierOptions options,
                std::size_t cache_entries = VerifiedTokenCache::kDefaultEntries);

  Result<std::shared_ptr<const AccessClaims>> Verify(std::string_view token, SystemTime now);
  // Signature and claims only, never the cache (for benchmarks and the `strict` path).
  Result<std::shared_ptr<const AccessClaims>> VerifyUncached(std::string_view token,
                                                             SystemTime now) const;
  // A genuine token of ours whatever its times (VerifyAccessTokenAnyTime); never cached.
  Result<std::shared_ptr<const AccessClaims>> VerifyAnyTime(std::string_view token,
                                                            SystemTime now) const;
  void OnKeysChanged() { cache_.Clear(); }
  VerifiedTokenCache& cache() { return cache_; }
  const VerifiedTokenCache& cache() const { return cache_; }
  const VerifierOptions& options() const { return options_; }

 private:
  KeysSource keys_source_;
  VerifierOptions options_;
  VerifiedTokenCache cache_;
};

}  // namespace gatehouse::tokens
