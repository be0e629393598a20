#pragma once
// Test helpers for the tokens module: a ring with one active key and a raw JWS signer that lets a
// test build tokens with any header and payload text.

#include <string>

#include "common/fake_clock.h"
#include "crypto/base64url.h"
#include "tokens/key_ring.h"

namespace gatehouse::tokens::testing {

inline KeyRing RingWithOneKey(RandomSource& random, SystemTime now,
                              crypto::SignatureAlg alg = crypto::SignatureAlg::kEdDSA) {
  KeyRing ring({.alg = alg});
  (void)ring.Rotate(now, random).value();
  return ring;
}

// Signs arbitrary header/payload JSON text with `key`: for tokens a real issuer would never make.
inline std::string SignRaw(std::string_view header_json, std::string_view payload_json,
                           const crypto::PrivateKey& key) {
  std::string input =
      crypto::Base64UrlEncode(header_json) + "." + crypto::Base64UrlEncode(payload_json);
  const std::string sig = key.Sign(input).value();
  return input + "." + crypto::Base64UrlEncode(sig);
}

}  // namespace gatehouse::tokens::testing
