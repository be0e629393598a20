#pragma once
// AES-256-GCM (OpenSSL 3 EVP) for secrets at rest: private signing keys sealed with the master
// key. Sealed form: nonce (12 bytes) ‖ ciphertext ‖ tag (16 bytes).
//
// Thread-safety: stateless functions.

#include <string>
#include <string_view>

#include "common/random.h"
#include "common/result.h"

namespace gatehouse::crypto {

inline constexpr std::size_t kAesKeySize = 32;
inline constexpr std::size_t kGcmNonceSize = 12;
inline constexpr std::size_t kGcmTagSize = 16;

// A fresh random nonce from `random` for every call. `aad` is authenticated, not encrypted.
Result<std::string> AesGcmSeal(std::string_view key, std::string_view plaintext,
                               std::string_view aad, RandomSource& random);
// kUnauthenticated when the key, aad or any byte of `sealed` is wrong.
Result<std::string> AesGcmOpen(std::string_view key, std::string_view sealed, std::string_view aad);

// The primitive with a caller-chosen nonce, for known-answer tests only. Returns ciphertext ‖ tag.
Result<std::string> AesGcmEncryptForTest(std::string_view key, std::string_view nonce,
                                         std::string_view plaintext, std::string_view aad);

}  // namespace gatehouse::crypto
