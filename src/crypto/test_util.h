#pragma once
// Test-only helpers for the crypto tests.

#include <gtest/gtest.h>

#include <string>
#include <string_view>

#include "crypto/hash.h"

namespace gatehouse::crypto::testing {

// Bytes from lowercase or uppercase hex (crypto::FromHex); fails the test on malformed input.
inline std::string FromHex(std::string_view hex) {
  std::optional<std::string> bytes = crypto::FromHex(hex);
  EXPECT_TRUE(bytes.has_value()) << "bad hex: " << hex;
  return bytes.value_or(std::string());
}

}  // namespace gatehouse::crypto::testing
