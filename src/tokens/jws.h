#pragma once
// JWS compact serialisation (RFC 7515) with a strict parser for untrusted tokens.
//
// ParseJws checks structure only (it does not know any key): exactly three non-empty base64url
// parts, at most kMaxTokenSize bytes, a header and a payload that are JSON objects without
// duplicate members, a string `alg` other than "none" and a string `kid`, and none of the
// header members we refuse (`jwk`, `jku`, `x5u`, `x5c`, `crit`, `zip`, `cty`, `enc`, `b64`).
// The caller then looks the key up by `kid` and calls VerifySignature, which refuses a token
// whose `alg` is not exactly the key's algorithm: the token never chooses the algorithm.
//
//   GH_ASSIGN_OR_RETURN(Jws jws, ParseJws(token));
//   const SigningKey* key = ring.Find(jws.kid);
//   if (key == nullptr || !VerifySignature(jws, key->public_key)) return Unauthenticated(...);
//
// Thread-safety: stateless functions; a Jws is a plain value that views the token text.

#include <boost/json/object.hpp>
#include <string>
#include <string_view>

#include "common/result.h"
#include "crypto/signature.h"

namespace gatehouse::tokens {

inline constexpr std::size_t kMaxTokenSize = 8 * 1024;

struct Jws {
  std::string alg;
  std::string kid;
  std::string typ;  // empty when absent
  boost::json::object header;
  boost::json::object claims;
  std::string_view signing_input;  // "header.payload", a view into the token text
  std::string signature;           // decoded bytes
};

// Structural parse; kUnauthenticated with a short reason on any defect.
Result<Jws> ParseJws(std::string_view token);

// True when `jws.alg` names the key's algorithm and the signature is valid.
bool VerifySignature(const Jws& jws, const crypto::PublicKey& key);

// Serialises header and claims, signs "header.payload" with `key` and returns the compact form.
// `header` should already hold `alg` (matching the key), `kid` and `typ`.
Result<std::string> SignJws(const boost::json::object& header, const boost::json::object& claims,
                            const crypto::PrivateKey& key);

}  // namespace gatehouse::tokens
