#include "crypto/signature.h"

#include <sodium.h>

#include <array>
#include <cstdint>
#include <utility>

#include "crypto/base64url.h"
#include "crypto/es256.h"
#include "crypto/rs256.h"
#include "crypto/signature_impl.h"

namespace gatehouse::crypto {

std::string_view AlgName(SignatureAlg alg) {
  switch (alg) {
    case SignatureAlg::kEdDSA:
      return "EdDSA";
    case SignatureAlg::kES256:
      return "ES256";
    case SignatureAlg::kRS256:
      return "RS256";
  }
  return "";
}

Result<SignatureAlg> ParseAlg(std::string_view name) {
  for (SignatureAlg alg : {SignatureAlg::kEdDSA, SignatureAlg::kES256, SignatureAlg::kRS256}) {
    if (name == AlgName(alg)) return alg;
  }
  return InvalidArgument("unsupported signature algorithm");
}

namespace {

Result<KeyPairImpl> GenerateKeyPair(SignatureAlg alg, RandomSource& random) {
  if (alg != SignatureAlg::kEdDSA) return EvpGenerate(alg);
  std::array<std::uint8_t, crypto_sign_SEEDBYTES> seed;
  random.Fill(seed);
  Result<KeyPairImpl> pair =
      Ed25519FromSeed({reinterpret_cast<const char*>(seed.data()), seed.size()});
  sodium_memzero(seed.data(), seed.size());
  return pair;
}

}  // namespace

// PublicKey

PublicKey::PublicKey(SignatureAlg alg, std::shared_ptr<const Impl> impl)
    : alg_(alg), impl_(std::move(impl)) {}

Result<PublicKey> PublicKey::Import(SignatureAlg alg, std::string_view bytes) {
  Result<std::shared_ptr<const Impl>> impl =
      alg == SignatureAlg::kEdDSA ? Ed25519PublicFromBytes(bytes) : EvpPublicFromSpki(alg, bytes);
  if (!impl) return std::move(impl).error();
  return PublicKey(alg, std::move(impl).value());
}

Result<PublicKey> PublicKey::FromJwk(SignatureAlg alg,
                                     const std::map<std::string, std::string>& members) {
  auto member = [&](const std::string& name) -> Result<std::string> {
    const auto it = members.find(name);
    if (it == members.end()) return InvalidArgument("JWK: no " + name);
    Result<std::string> bytes = Base64UrlDecode(it->second);
    if (!bytes) return InvalidArgument("JWK: " + name + " is not base64url");
    return std::move(bytes).value();
  };
  auto is = [&](const std::string& name, std::string_view want) {
    const auto it = members.find(name);
    return it != members.end() && it->second == want;
  };
  switch (alg) {
    case SignatureAlg::kEdDSA: {
      if (!is("kty", "OKP") || !is("crv", "Ed25519")) return InvalidArgument("JWK: not Ed25519");
      GH_ASSIGN_OR_RETURN(std::string x, member("x"));
      return Import(alg, x);
    }
    case SignatureAlg::kES256: {
      if (!is("kty", "EC") || !is("crv", "P-256")) return InvalidArgument("JWK: not P-256");
      GH_ASSIGN_OR_RETURN(std::string x, member("x"));
      GH_ASSIGN_OR_RETURN(std::string y, member("y"));
      GH_ASSIGN_OR_RETURN(std::string der, P256SpkiFromCoordinates(x, y));
      return Import(alg, der);
    }
    case SignatureAlg::kRS256: {
      if (!is("kty", "RSA")) return InvalidArgument("JWK: not RSA");
      GH_ASSIGN_OR_RETURN(std::string n, member("n"));
      GH_ASSIGN_OR_RETURN(std::string e, member("e"));
      GH_ASSIGN_OR_RETURN(std::string der, RsaSpkiFromComponents(n, e));
      return Import(alg, der);
    }
  }
  return InvalidArgument("JWK: unknown algorithm");
}

bool PublicKey::Verify(std::string_view message, std::string_view signature) const {
  // impl_ is null only in a moved-from key, which verifies nothing.
  return impl_ != nullptr && impl_->Verify(message, signature);
}

std::string PublicKey::ExportPublic() const { return impl_ ? impl_->Export() : std::string(); }

std::map<std::string, std::string> PublicKey::JwkMembers() const {
  return impl_ ? impl_->JwkMembers() : std::map<std::string, std::string>();
}

// PrivateKey

PrivateKey::PrivateKey(SignatureAlg alg, std::unique_ptr<Impl> impl, PublicKey pub)
    : alg_(alg), impl_(std::move(impl)), public_(std::move(pub)) {}

PrivateKey::PrivateKey(PrivateKey&&) noexcept = default;
PrivateKey& PrivateKey::operator=(PrivateKey&&) noexcept = default;
PrivateKey::~PrivateKey() = default;

Result<PrivateKey> PrivateKey::Generate(SignatureAlg alg, RandomSource& random) {
  GH_ASSIGN_OR_RETURN(KeyPairImpl pair, GenerateKeyPair(alg, random));
  return PrivateKey(alg, std::move(pair.private_half), PublicKey(alg, std::move(pair.public_half)));
}

Result<PrivateKey> PrivateKey::Import(SignatureAlg alg, std::string_view bytes) {
  GH_ASSIGN_OR_RETURN(KeyPairImpl pair, alg == SignatureAlg::kEdDSA
                                            ? Ed25519FromSeed(bytes)
                                            : EvpPrivateFromPkcs8(alg, bytes));
  return PrivateKey(alg, std::move(pair.private_half), PublicKey(alg, std::move(pair.public_half)));
}

Result<std::string> PrivateKey::Sign(std::string_view message) const {
  if (impl_ == nullptr) return FailedPrecondition("signing with a moved-from key");
  return impl_->Sign(message);
}

std::string PrivateKey::ExportPrivate() const { return impl_ ? impl_->Export() : std::string(); }

}  // namespace gatehouse::crypto
