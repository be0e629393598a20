#pragma once
// Internal: the per-algorithm halves behind PublicKey and PrivateKey, and the factories that
// build them (ed25519_key.cc for EdDSA, evp_key.cc for ES256 and RS256).
//
// Ownership: a PublicKey::Impl is immutable once built and shared by every copy of the PublicKey;
// a PrivateKey::Impl is owned by exactly one PrivateKey.
// Thread-safety: all const members are safe to call concurrently.

#include <openssl/types.h>

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/result.h"
#include "crypto/signature.h"

namespace gatehouse::crypto {

struct PublicKey::Impl {
  virtual ~Impl() = default;
  virtual bool Verify(std::string_view message, std::string_view signature) const = 0;
  virtual std::string Export() const = 0;
  virtual std::map<std::string, std::string> JwkMembers() const = 0;
};

struct PrivateKey::Impl {
  virtual ~Impl() = default;
  virtual Result<std::string> Sign(std::string_view message) const = 0;
  virtual std::string Export() const = 0;
};

struct KeyPairImpl {
  std::unique_ptr<PrivateKey::Impl> private_half;
  std::shared_ptr<const PublicKey::Impl> public_half;
};

// Ed25519: `seed` is the 32-byte RFC 8032 private key; `raw` the 32-byte public key.
Result<KeyPairImpl> Ed25519FromSeed(std::string_view seed);
Result<std::shared_ptr<const PublicKey::Impl>> Ed25519PublicFromBytes(std::string_view raw);

// ES256 (P-256) and RS256 (RSA >= 2048 bits); `alg` must be one of the two.
Result<KeyPairImpl> EvpGenerate(SignatureAlg alg);
Result<KeyPairImpl> EvpPrivateFromPkcs8(SignatureAlg alg, std::string_view der);
// SubjectPublicKeyInfo DER of an EVP public key (what ExportPublic answers for ES256/RS256).
Result<std::string> SpkiDer(const EVP_PKEY* key);
Result<std::shared_ptr<const PublicKey::Impl>> EvpPublicFromSpki(SignatureAlg alg,
                                                                 std::string_view der);

}  // namespace gatehouse::crypto
