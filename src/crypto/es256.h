#pragma once
// Internal: the P-256 specifics of ES256 (RFC 7518 §3.4) on top of OpenSSL EVP keys: JWS's raw
// r‖s signature form versus OpenSSL's DER, the curve check and the JWK members.
//
// Thread-safety: stateless functions; EVP_PKEY arguments are only read.

#include <openssl/evp.h>

#include <array>
#include <cstddef>
#include <map>
#include <optional>
#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse::crypto {

inline constexpr std::size_t kP256FieldSize = 32;
inline constexpr std::size_t kEs256SignatureSize = 2 * kP256FieldSize;

// A DER ECDSA-Sig-Value for P-256 (at most 72 bytes) without a heap allocation of its own.
struct EcdsaDer {
  std::array<unsigned char, 72> bytes;
  std::size_t size = 0;
};

// nullopt unless `raw` is exactly 64 bytes with a low S (s <= n / 2: the malleated twin
// (r, n - s) of a valid signature is refused). Otherwise r and s are not range-checked here;
// OpenSSL refuses 0 and anything >= the group order when it verifies.
std::optional<EcdsaDer> EcdsaRawToDer(std::string_view raw);
// The 64-byte r‖s form of a DER signature that OpenSSL produced with a P-256 key, with S
// normalised to the low form.
Result<std::string> EcdsaDerToRaw(std::string_view der);

// kInvalidArgument unless `key` is an EC key on the named curve P-256.
Status CheckP256Key(const EVP_PKEY* key);
// kty, crv, x, y, with x and y left-padded to 32 bytes.
std::map<std::string, std::string> P256JwkMembers(const EVP_PKEY* key);
// SubjectPublicKeyInfo DER for the P-256 point (x, y), each 32 raw bytes (e.g. decoded JWK x, y).
Result<std::string> P256SpkiFromCoordinates(std::string_view x, std::string_view y);

}  // namespace gatehouse::crypto
