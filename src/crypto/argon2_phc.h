#pragma once
// Internal: the Argon2id PHC string format and the parameter bounds Gatehouse accepts.
//
//   $argon2id$v=19$m=<memory KiB>,t=<iterations>,p=1$<salt>$<hash>
//
// Salt and hash are standard base64 without padding. Parsing is strict: only version 19,
// parallelism 1, decimal numbers without sign or leading zeros, parameters within bounds, a
// 16-byte salt and a 32-byte hash.
//
// Thread-safety: stateless functions.

#include <cstdint>
#include <string>
#include <string_view>

#include "common/result.h"

namespace gatehouse::crypto {

inline constexpr std::size_t kArgon2SaltSize = 16;
inline constexpr std::size_t kArgon2HashSize = 32;
inline constexpr std::uint32_t kArgon2MinMemoryKib = 8;                 // libsodium's minimum
inline constexpr std::uint32_t kArgon2MaxMemoryKib = 4u * 1024 * 1024;  // 4 GiB
inline constexpr std::uint32_t kArgon2MinIterations = 1;
inline constexpr std::uint32_t kArgon2MaxIterations = 100;

struct Argon2idPhc {
  std::uint32_t memory_kib = 0;
  std::uint32_t iterations = 0;
  std::string salt;  // kArgon2SaltSize raw bytes
  std::string hash;  // kArgon2HashSize raw bytes
};

// kInvalidArgument unless both parameters are within the bounds above.
Status CheckArgon2Params(std::uint32_t memory_kib, std::uint32_t iterations);

std::string FormatArgon2idPhc(const Argon2idPhc& phc);
Result<Argon2idPhc> ParseArgon2idPhc(std::string_view text);

}  // namespace gatehouse::crypto
