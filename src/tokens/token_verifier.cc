#include "tokens/token_verifier.h"

#include <algorithm>

namespace gatehouse::tokens {

TokenVerifier::TokenVerifier(KeysSource keys_source, VerifierOptions options,
                             std::size_t cache_entries)
    : keys_source_(std::move(keys_source)), options_(std::move(options)), cache_(cache_entries) {}

Result<std::shared_ptr<const AccessClaims>> TokenVerifier::Verify(std::string_view token,
                                                                  SystemTime now) {
  if (auto hit = cache_.Find(token, now)) return hit;
  const std::shared_ptr<const VerifyKeys> keys = keys_source_();
  if (keys == nullptr) return Unavailable("no signing keys loaded");
  GH_ASSIGN_OR_RETURN(auto claims, VerifyAccessToken(token, *keys, options_, now));
  // Kept until the token expires, or its (retired) key stops verifying, whichever comes first:
  // a verifier whose leeway is longer than the server's must not outlast the key's window.
  SystemTime drop_at = FromUnixSeconds(claims->expires_at_s) + options_.leeway;
  if (const VerifyKey* key = keys->Find(claims->kid); key != nullptr && key->verifies_until) {
    drop_at = std::min(drop_at, *key->verifies_until);
  }
  cache_.Insert(claims, drop_at, now);
  return claims;
}

Result<std::shared_ptr<const AccessClaims>> TokenVerifier::VerifyUncached(std::string_view token,
                                                                          SystemTime now) const {
  const std::shared_ptr<const VerifyKeys> keys = keys_source_();
  if (keys == nullptr) return Unavailable("no signing keys loaded");
  return VerifyAccessToken(token, *keys, options_, now);
}

Result<std::shared_ptr<const AccessClaims>> TokenVerifier::VerifyAnyTime(std::string_view token,
                                                                         SystemTime now) const {
  const std::shared_ptr<const VerifyKeys> keys = keys_source_();
  if (keys == nullptr) return Unavailable("no signing keys loaded");
  return VerifyAccessTokenAnyTime(token, *keys, options_, now);
}

}  // namespace gatehouse::tokens
