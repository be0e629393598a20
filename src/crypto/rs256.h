#pragma once
// Internal: the RSA specifics of RS256 (RFC 7518 §3.3) on top of OpenSSL EVP keys: the key-size
// policy and the JWK members.
//
// Thread-safety: stateless functions; EVP_PKEY arguments are only read.

#include <openssl/evp.h>

#include <map>
#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse::crypto {

inline constexpr int kRsaMinBits = 2048;
inline constexpr int kRsaGenerateBits = 2048;

// kInvalidArgument unless `key` is a plain RSA key (not RSA-PSS) of at least 2048 bits.
Status CheckRsaKey(const EVP_PKEY* key);
// kty, n, e: big-endian without leading zero bytes.
std::map<std::string, std::string> RsaJwkMembers(const EVP_PKEY* key);
// SubjectPublicKeyInfo DER for the RSA key (n, e), big-endian bytes (e.g. decoded JWK n, e).
Result<std::string> RsaSpkiFromComponents(std::string_view n, std::string_view e);

}  // namespace gatehouse::crypto
