#pragma once
// Argon2id password hashing (libsodium crypto_pwhash, parallelism 1) in PHC string form:
//   $argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>   (standard base64, no padding)
//
// The salt (16 bytes) comes from the RandomSource passed in. Verification recomputes with the
// parameters stored in the string and compares in constant time.
//
// Thread-safety: stateless functions (each call allocates memory_kib of its own).

#include <cstdint>
#include <string>
#include <string_view>

#include "common/random.h"
#include "common/result.h"

namespace gatehouse::crypto {

struct Argon2Params {
  std::uint32_t memory_kib = 19456;  // Default: 19 MiB (OWASP's minimum for Argon2id)
  std::uint32_t iterations = 2;      // Default: 2
};

Result<std::string> Argon2idHash(std::string_view password, const Argon2Params& params,
                                 RandomSource& random);
// With an explicit salt, for known-answer tests.
Result<std::string> Argon2idHashWithSalt(std::string_view password, std::string_view salt,
                                         const Argon2Params& params);
// False for a wrong password or a malformed / non-argon2id string.
bool Argon2idVerify(std::string_view phc, std::string_view password);
// True when `phc` was made with parameters other than `params` (upgrade on next sign-in).
bool Argon2idNeedsRehash(std::string_view phc, const Argon2Params& params);

}  // namespace gatehouse::crypto
