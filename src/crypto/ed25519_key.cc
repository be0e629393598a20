// Ed25519 (RFC 8032) through libsodium; JWK form from RFC 8037.

#include <sodium.h>

#include <algorithm>
#include <array>
#include <memory>

#include "crypto/base64url.h"
#include "crypto/byte_view.h"
#include "crypto/signature_impl.h"
#include "crypto/sodium_init.h"

namespace gatehouse::crypto {
namespace {

using PublicBytes = std::array<unsigned char, crypto_sign_PUBLICKEYBYTES>;

class Ed25519Public final : public PublicKey::Impl {
 public:
  explicit Ed25519Public(const PublicBytes& key) : key_(key) {}

  bool Verify(std::string_view message, std::string_view signature) const override {
    // libsodium also refuses S >= L, small-order and non-canonical points.
    return signature.size() == crypto_sign_BYTES &&
           crypto_sign_verify_detached(Uchars(signature), Uchars(message), message.size(),
                                       key_.data()) == 0;
  }

  std::string Export() const override { return std::string(key_.begin(), key_.end()); }

  std::map<std::string, std::string> JwkMembers() const override {
    return {{"kty", "OKP"}, {"crv", "Ed25519"}, {"x", Base64UrlEncode(Export())}};
  }

 private:
  const PublicBytes key_;
};

class Ed25519Private final : public PrivateKey::Impl {
 public:
  Ed25519Private() = default;
  Ed25519Private(const Ed25519Private&) = delete;
  Ed25519Private& operator=(const Ed25519Private&) = delete;
  ~Ed25519Private() override { sodium_memzero(secret_.data(), secret_.size()); }

  // libsodium's 64-byte secret key: seed ‖ public key.
  unsigned char* secret() { return secret_.data(); }

  Result<std::string> Sign(std::string_view message) const override {
    std::string signature(crypto_sign_BYTES, '\0');
    if (crypto_sign_detached(Uchars(signature), nullptr, Uchars(message), message.size(),
                             secret_.data()) != 0) {
      return Internal("Ed25519 signing failed");
    }
    return signature;
  }

  std::string Export() const override {
    return std::string(secret_.begin(), secret_.begin() + crypto_sign_SEEDBYTES);
  }

 private:
  std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret_{};
};

}  // namespace

Result<KeyPairImpl> Ed25519FromSeed(std::string_view seed) {
  if (seed.size() != crypto_sign_SEEDBYTES) {
    return InvalidArgument("Ed25519: private key must be a 32-byte seed");
  }
  EnsureSodiumInitialized();
  auto private_half = std::make_unique<Ed25519Private>();
  PublicBytes public_bytes;
  if (crypto_sign_seed_keypair(public_bytes.data(), private_half->secret(), Uchars(seed)) != 0) {
    return Internal("Ed25519 key derivation failed");
  }
  return KeyPairImpl{.private_half = std::move(private_half),
                     .public_half = std::make_shared<const Ed25519Public>(public_bytes)};
}

Result<std::shared_ptr<const PublicKey::Impl>> Ed25519PublicFromBytes(std::string_view raw) {
  if (raw.size() != crypto_sign_PUBLICKEYBYTES) {
    return InvalidArgument("Ed25519: public key must be 32 bytes");
  }
  EnsureSodiumInitialized();
  // Refuses encodings that are not a point, or a point of small order, up front.
  if (crypto_core_ed25519_is_valid_point(Uchars(raw)) != 1) {
    return InvalidArgument("Ed25519: not a valid public key");
  }
  PublicBytes key;
  std::copy(raw.begin(), raw.end(), key.begin());
  return std::shared_ptr<const PublicKey::Impl>(std::make_shared<const Ed25519Public>(key));
}

}  // namespace gatehouse::crypto
