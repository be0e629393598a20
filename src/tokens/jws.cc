#include "tokens/jws.h"

#include <array>
#include <boost/json/serialize.hpp>

#include "common/json.h"
#include "crypto/base64url.h"

namespace gatehouse::tokens {
namespace {

namespace bj = boost::json;

// One answer for every malformed, forged or unknown token: the caller learns nothing about which
// check failed (an unknown kid from a bad signature, say). `why` documents the call site only.
Error Bad(const std::string& why) {
  (void)why;
  return Unauthenticated("invalid token");
}

// Header members that either ask the verifier to trust the token itself (embedded or remote
// keys), change how it is processed (crit, b64, zip) or mean it is not a plain JWS (enc, cty).
constexpr std::array<std::string_view, 10> kRefusedHeaderMembers = {
    "jwk", "jku", "x5u", "x5c", "crit", "zip", "cty", "enc", "b64", "x5t#S256"};

Result<bj::object> DecodeJsonObject(std::string_view part, std::string_view what) {
  Result<std::string> bytes = crypto::Base64UrlDecode(part);
  if (!bytes) return Bad(std::string(what) + " is not base64url");
  Result<bj::value> value = json::ParseStrict(*bytes, /*max_depth=*/16);
  if (!value) return Bad(std::string(what) + ": " + value.error().message());
  if (!value->is_object()) return Bad(std::string(what) + " is not a JSON object");
  return std::move(value->as_object());
}

}  // namespace

Result<Jws> ParseJws(std::string_view token) {
  if (token.size() > kMaxTokenSize) return Bad("too large");
  const std::size_t dot1 = token.find('.');
  if (dot1 == std::string_view::npos) return Bad("not three parts");
  const std::size_t dot2 = token.find('.', dot1 + 1);
  if (dot2 == std::string_view::npos || token.find('.', dot2 + 1) != std::string_view::npos) {
    return Bad("not three parts");
  }
  const std::string_view header_part = token.substr(0, dot1);
  const std::string_view payload_part = token.substr(dot1 + 1, dot2 - dot1 - 1);
  const std::string_view signature_part = token.substr(dot2 + 1);
  if (header_part.empty() || payload_part.empty() || signature_part.empty()) {
    return Bad("empty part");
  }

  Jws jws;
  GH_ASSIGN_OR_RETURN(jws.header, DecodeJsonObject(header_part, "header"));
  for (const std::string_view name : kRefusedHeaderMembers) {
    if (jws.header.contains(name)) return Bad("header member '" + std::string(name) + "'");
  }
  const bj::value* alg = jws.header.if_contains("alg");
  if (alg == nullptr || !alg->is_string()) return Bad("alg missing");
  jws.alg = alg->as_string();
  if (jws.alg == "none" || jws.alg.empty()) return Bad("alg none");
  const bj::value* kid = jws.header.if_contains("kid");
  if (kid == nullptr || !kid->is_string() || kid->as_string().empty()) return Bad("kid missing");
  jws.kid = kid->as_string();
  if (const bj::value* typ = jws.header.if_contains("typ")) {
    if (!typ->is_string()) return Bad("typ not a string");
    jws.typ = typ->as_string();
  }

  GH_ASSIGN_OR_RETURN(jws.claims, DecodeJsonObject(payload_part, "payload"));
  Result<std::string> signature = crypto::Base64UrlDecode(signature_part);
  if (!signature) return Bad("signature is not base64url");
  jws.signature = std::move(*signature);
  jws.signing_input = token.substr(0, dot2);
  return jws;
}

bool VerifySignature(const Jws& jws, const crypto::PublicKey& key) {
  if (jws.alg != crypto::AlgName(key.alg())) return false;
  return key.Verify(jws.signing_input, jws.signature);
}

Result<std::string> SignJws(const bj::object& header, const bj::object& claims,
                            const crypto::PrivateKey& key) {
  std::string token = crypto::Base64UrlEncode(bj::serialize(header));
  token += '.';
  token += crypto::Base64UrlEncode(bj::serialize(claims));
  GH_ASSIGN_OR_RETURN(std::string signature, key.Sign(token));
  token += '.';
  token += crypto::Base64UrlEncode(signature);
  return token;
}

}  // namespace gatehouse::tokens
