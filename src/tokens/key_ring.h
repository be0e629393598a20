#pragma once
// KeyRing: the signing keys of one issuer and their life cycle, as a pure state machine.
//
//   active ──Rotate──▶ retired (public half only, verifiable for `verify_window`) ──Prune──▶ gone
//      └────────────────Revoke──▶ revoked (kid remembered; its tokens get try_refresh_token)
//
// Exactly one key signs at a time (the newest active one). A retired key stays in the JWKS and
// verifies tokens until every token it signed has expired (`retired_at + verify_window`, where the
// window is the longest access-token lifetime plus the clock leeway). A revoked key is out of the
// JWKS at once and verifies nothing. Persistence and the master key live with the caller
// (keys::KeyManager); the ring only holds keys and decides.
//
// Ownership: the ring owns its keys; private keys are shared with snapshots (copies of the ring).
// Thread-safety: not thread-safe; share immutable copies (shared_ptr<const KeyRing>).

#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/random.h"
#include "common/result.h"
#include "crypto/signature.h"
#include "tokens/verify_keys.h"

namespace gatehouse::tokens {

struct SigningKey {
  std::string kid;
  crypto::SignatureAlg alg = crypto::SignatureAlg::kEdDSA;
  std::shared_ptr<const crypto::PrivateKey> private_key;  // null unless active
  crypto::PublicKey public_key;
  SystemTime created_at;
  std::optional<SystemTime> retired_at;  // set when a newer key took over signing
  bool revoked = false;

  bool active() const { return !retired_at && !revoked && private_key != nullptr; }
};

class KeyRing {
 public:
  struct Options {
    crypto::SignatureAlg alg = crypto::SignatureAlg::kEdDSA;  // Default: EdDSA
    Millis rotation_interval = std::chrono::hours(24 * 7);    // Default: 7d
    Millis verify_window = std::chrono::minutes(11);  // Default: max access-token TTL + leeway
    // The ring's family. Empty (the native ring): kids are 16 random bytes, base64url, never with
    // '-' as their second character. Else a family of its own, e.g. "d-" for the SuperTokens
    // face's dynamic keys: kids are the prefix and the key's creation time in ms
    // ("d-1700000000000"), as SuperTokens names them; a face's app has "d-<app>-". Rings of
    // different families share the store's key table; each holds only its own kids (Owns: the
    // prefix followed by digits only).
    std::string kid_prefix;
  };
  // True when `kid` belongs to the family of `kid_prefix`.
  static bool Owns(std::string_view kid_prefix, std::string_view kid);

  explicit KeyRing(Options options) : options_(options) {}

  // Adds a key loaded from storage (any state).
  void Add(SigningKey key);

  // True when there is no active key of the configured algorithm, or it is older than the
  // rotation interval.
  bool NeedsRotation(SystemTime now) const;

  // Generates a new active key (kid: 16 random bytes, base64url) and retires the previous active
  // key. Returns the new key; the caller persists both.
  Result<SigningKey> Rotate(SystemTime now, RandomSource& random);

  // Marks a key revoked. kNotFound for an unknown kid.
  Status Revoke(std::string_view kid);
  // Revokes every key except the active one; returns the kids revoked.
  std::vector<std::string> RevokeAllButActive();

  // Drops retired keys whose window has passed and revoked keys older than the window;
  // returns their kids.
  std::vector<std::string> Prune(SystemTime now);

  // The key that signs new tokens, or null before the first rotation.
  const SigningKey* Signer() const;
  // Any known key by kid (revoked ones included, so callers can tell "revoked" from "unknown").
  const SigningKey* Find(std::string_view kid) const;
  // Keys that verify: active and retired, not revoked.
  bool CanVerify(const SigningKey& key, SystemTime now) const;
  // A retired key's last moment of verifying (retired_at + verify_window); none for the others.
  std::optional<SystemTime> VerifiesUntil(const SigningKey& key) const;

  // RFC 7517 JWK Set of every key that can verify at `now` (RFC 8037 members for Ed25519). A
  // retired key carries `kVerifiesUntilMember` (Unix ms) so that a verifier holding this
  // document stops accepting it when the server does, not at its next fetch.
  std::string JwksJson(SystemTime now) const;
  // Every key's public half, revoked ones included, each verifying as long as CanVerify says:
  // what verification reads (make it once per change of the ring, not per token).
  tokens::VerifyKeys VerifyKeys() const;

  const std::vector<SigningKey>& keys() const { return keys_; }
  const Options& options() const { return options_; }

 private:
  Options options_;
  std::vector<SigningKey> keys_;  // oldest first
};

// One JWK Set of the keys of several rings (each family's) that can verify at `now`.
std::string JwksJson(std::initializer_list<const KeyRing*> rings, SystemTime now);

}  // namespace gatehouse::tokens
