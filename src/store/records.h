#pragma once
// Domain records as the store keeps them: plain values, times in milliseconds since the epoch,
// binary fields as byte strings. No backend types.

#include <cstdint>
#include <optional>
#include <string>

namespace gatehouse::store {

// A signing key. The private half is sealed (AES-256-GCM with the master key) and dropped once
// the key is retired; the public half stays until the key is pruned.
struct SigningKeyRecord {
  std::string kid;
  std::string alg;             // "EdDSA" | "ES256" | "RS256"
  std::string public_key;      // crypto::PublicKey::ExportPublic()
  std::string sealed_private;  // empty once retired or revoked
  std::int64_t created_at = 0;
  std::optional<std::int64_t> retired_at;
  bool revoked = false;

  bool operator==(const SigningKeyRecord&) const = default;
};

}  // namespace gatehouse::store
