#pragma once
// Asymmetric JWS signatures: Ed25519 (libsodium), ES256 and RS256 (OpenSSL 3 EVP).
//
// A key is bound to exactly one algorithm for its whole life; signatures are in JWS form
// (Ed25519: 64 bytes; ES256: raw r‖s, 64 bytes, never DER; RS256: PKCS#1 v1.5, modulus-sized).
//
//   GH_ASSIGN_OR_RETURN(auto key, PrivateKey::Generate(SignatureAlg::kEdDSA, random));
//   GH_ASSIGN_OR_RETURN(std::string sig, key.Sign("header.payload"));
//   bool ok = key.Public().Verify("header.payload", sig);
//
// Ownership: PrivateKey and PublicKey own their key material (move-only handles; copies of a
// PublicKey share the immutable OpenSSL handle).
// Thread-safety: Sign and Verify are const and safe to call concurrently on one key.

#include <map>
#include <memory>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/result.h"

namespace gatehouse::crypto {

enum class SignatureAlg { kEdDSA, kES256, kRS256 };

// "EdDSA", "ES256", "RS256".
std::string_view AlgName(SignatureAlg alg);
Result<SignatureAlg> ParseAlg(std::string_view name);

class PublicKey {
 public:
  // From the bytes ExportPublic() produced: Ed25519 raw 32 bytes; ES256/RS256 SubjectPublicKeyInfo
  // DER.
  static Result<PublicKey> Import(SignatureAlg alg, std::string_view bytes);
  // From the members of a JWK (RFC 7517/7518/8037; values base64url) for `alg`: OKP/Ed25519 x,
  // EC/P-256 x and y, RSA n and e. kInvalidArgument for a JWK of another type, curve or size.
  static Result<PublicKey> FromJwk(SignatureAlg alg,
                                   const std::map<std::string, std::string>& members);

  SignatureAlg alg() const { return alg_; }
  // True only for a valid signature of `message` by this key in this key's algorithm.
  bool Verify(std::string_view message, std::string_view signature) const;
  std::string ExportPublic() const;
  // The algorithm-specific JWK members (RFC 7517/7518/8037), values already base64url:
  // OKP: kty, crv, x · EC: kty, crv, x, y · RSA: kty, n, e.
  std::map<std::string, std::string> JwkMembers() const;

  struct Impl;

 private:
  PublicKey(SignatureAlg alg, std::shared_ptr<const Impl> impl);
  SignatureAlg alg_;
  std::shared_ptr<const Impl> impl_;
  friend class PrivateKey;
};

class PrivateKey {
 public:
  // A fresh key. Ed25519 seeds come from `random`; EC and RSA keys from OpenSSL's own CSPRNG,
  // which is the same generator CsprngRandom uses.
  static Result<PrivateKey> Generate(SignatureAlg alg, RandomSource& random);
  // From the bytes ExportPrivate() produced: Ed25519 32-byte seed; ES256/RS256 PKCS#8 DER.
  static Result<PrivateKey> Import(SignatureAlg alg, std::string_view bytes);

  PrivateKey(PrivateKey&&) noexcept;
  PrivateKey& operator=(PrivateKey&&) noexcept;
  ~PrivateKey();

  SignatureAlg alg() const { return alg_; }
  Result<std::string> Sign(std::string_view message) const;
  // Secret bytes: seal them (AesGcmSeal) before they touch a disk.
  std::string ExportPrivate() const;
  const PublicKey& Public() const { return public_; }

  struct Impl;

 private:
  PrivateKey(SignatureAlg alg, std::unique_ptr<Impl> impl, PublicKey pub);
  SignatureAlg alg_;
  std::unique_ptr<Impl> impl_;
  PublicKey public_;
};

}  // namespace gatehouse::crypto
