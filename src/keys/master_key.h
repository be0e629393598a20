#pragma once
// The master key: 32 random bytes that seal every private signing key at rest (AES-256-GCM).
//
// Kept in a file (default DATA_DIR/master.key, or MASTER_KEY_FILE) as base64url text. Created on
// first start with mode 0600 (exclusively, so two processes starting together cannot each write
// their own). Instances sharing a database must share this file.

#include <string>

#include "common/random.h"
#include "common/result.h"

namespace gatehouse::keys {

inline constexpr std::size_t kMasterKeySize = 32;

// Reads the key at `path`, or creates it (and its directory, 0700) when absent.
// kFailedPrecondition for a file that exists but does not hold a valid key.
Result<std::string> LoadOrCreateMasterKey(const std::string& path, RandomSource& random);

}  // namespace gatehouse::keys
