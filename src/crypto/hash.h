#pragma once
// SHA-256 and HMAC-SHA256 (OpenSSL 3 EVP), plus constant-time comparison of secrets.
//
// Thread-safety: stateless functions.

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace gatehouse::crypto {

using Digest = std::array<std::uint8_t, 32>;

Digest Sha256(std::string_view data);
// The digest as 32 raw bytes in a string (for storage and map keys).
std::string Sha256Bytes(std::string_view data);
Digest HmacSha256(std::string_view key, std::string_view data);

std::string ToHex(std::string_view bytes);
// The bytes of lower- or upper-case hex; nullopt for an odd length or another character.
std::optional<std::string> FromHex(std::string_view hex);

// True when a and b are equal. Takes time that depends only on the lengths, never on where the
// contents differ. Use for every comparison of a secret (API keys, token hashes, MACs).
bool ConstantTimeEquals(std::string_view a, std::string_view b);

}  // namespace gatehouse::crypto
