#pragma once
// VerifyKeys: the public halves that verify access tokens, with what decides whether each still
// may — the one key set verification reads. The server fills it from its key ring (KeyRing::
// VerifyKeys, revoked keys included so that their tokens get try_refresh_token); the client
// library from the server's JWKS document (FromJwks) and the feed's key_revoked events.
//
// Thread-safety: a plain value; share immutable copies (shared_ptr<const VerifyKeys>).

#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "crypto/signature.h"

namespace gatehouse::tokens {

// The JWK member (RFC 7517 section 4: a reader that does not know it ignores it) with a retired
// key's last moment of verifying, in Unix milliseconds (KeyRing::VerifiesUntil).
inline constexpr std::string_view kVerifiesUntilMember = "gatehouse_verifies_until_ms";

struct VerifyKey {
  std::string kid;
  std::optional<crypto::PublicKey> public_key;  // none for a revoked kid known only by name
  bool revoked = false;                         // its tokens answer try_refresh_token
  std::optional<SystemTime> verifies_until;     // a retired key: until its last token has expired
};

class VerifyKeys {
 public:
  // Adds a key, or replaces the one with the same kid.
  void Add(VerifyKey key);
  // Marks `kid` revoked; a kid not in the set is added as a revoked placeholder.
  void Revoke(std::string_view kid);
  const VerifyKey* Find(std::string_view kid) const;
  static bool CanVerify(const VerifyKey& key, SystemTime now) {
    return !key.revoked && key.public_key && (!key.verifies_until || now <= *key.verifies_until);
  }
  std::size_t size() const { return keys_.size(); }
  std::vector<std::string> Kids() const;

  // The keys of an RFC 7517 JWK Set as KeyRing::JwksJson writes it (kid, alg, the algorithm's
  // members, and a retired key's kVerifiesUntilMember). A key of an algorithm this build does not
  // know is skipped; a malformed document, a malformed key of a known algorithm or a repeated kid
  // is kInvalidArgument. A limit that is not a whole number makes its key past its window.
  static Result<VerifyKeys> FromJwks(std::string_view jwks_json);

 private:
  std::vector<VerifyKey> keys_;
};

}  // namespace gatehouse::tokens
