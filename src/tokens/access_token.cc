#include "tokens/access_token.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/serialize.hpp>

#include "crypto/base64url.h"
#include "tokens/jws.h"

namespace gatehouse::tokens {
namespace {

namespace bj = boost::json;

// One answer for every malformed, forged or unknown token: the caller learns nothing about which
// check failed (an unknown kid from a bad signature, say). `why` documents the call site only.
Error Bad(const std::string& why) {
  (void)why;
  return Unauthenticated("invalid token");
}

std::optional<std::int64_t> IntClaim(const bj::object& claims, std::string_view name) {
  const bj::value* v = claims.if_contains(name);
  if (v == nullptr) return std::nullopt;
  if (v->is_int64()) return v->as_int64();
  if (v->is_uint64() && v->as_uint64() <= static_cast<std::uint64_t>(INT64_MAX)) {
    return static_cast<std::int64_t>(v->as_uint64());
  }
  return std::nullopt;
}

const bj::string* StringClaim(const bj::object& claims, std::string_view name) {
  const bj::value* v = claims.if_contains(name);
  return v != nullptr && v->is_string() && !v->as_string().empty() ? &v->as_string() : nullptr;
}

bool IsAccessTokenType(std::string_view typ) {
  const auto equals_ci = [](std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) ==
                    std::tolower(static_cast<unsigned char>(y));
           });
  };
  return equals_ci(typ, kAccessTokenType) || equals_ci(typ, "application/at+jwt");
}

// Fills `out` with views into `claims`.
Status ReadClaims(const bj::object& claims, const VerifierOptions& options, SystemTime now,
                  bool check_times, AccessClaims::Parts& out) {
  const bj::string* iss = StringClaim(claims, "iss");
  if (iss == nullptr || *iss != options.issuer) return Bad("wrong issuer");
  const bj::string* sub = StringClaim(claims, "sub");
  const bj::string* sid = StringClaim(claims, "sid");
  if (sub == nullptr || sid == nullptr) return Bad("sub or sid missing");
  const auto exp = IntClaim(claims, "exp");
  const auto iat = IntClaim(claims, "iat");
  const auto ver = IntClaim(claims, "ver");
  if (!exp || !iat || !ver || *ver < 0) return Bad("exp, iat or ver missing");
  const std::int64_t now_s = ToUnixSeconds(now);
  const std::int64_t leeway_s =
      std::chrono::duration_cast<std::chrono::seconds>(options.leeway).count();
  if (claims.contains("nbf") && !IntClaim(claims, "nbf")) return Bad("nbf not a number");
  if (check_times) {
    if (*iat > now_s + leeway_s) return Bad("issued in the future");
    if (const auto nbf = IntClaim(claims, "nbf"); nbf && *nbf > now_s + leeway_s) {
      return Bad("not yet valid");
    }
    GH_RETURN_IF_ERROR(CheckExpiry(*exp, options.leeway, now));
  }

  out.user_id = *sub;
  out.session_handle = *sid;
  out.issued_at_s = *iat;
  out.expires_at_s = *exp;
  out.version = *ver;
  if (const bj::value* roles = claims.if_contains("roles")) {
    if (!roles->is_array()) return Bad("roles is not an array");
    for (const bj::value& role : roles->as_array()) {
      if (!role.is_string()) return Bad("roles holds a non-string");
      out.roles.emplace_back(role.as_string());
    }
  }
  return OkStatus();
}

}  // namespace

bool IsReservedClaim(std::string_view name) {
  return std::find(kReservedClaims.begin(), kReservedClaims.end(), name) != kReservedClaims.end();
}

namespace {

// The payload segment of a token decoded: the claims as signed.
std::string PayloadJson(std::string_view token) {
  const std::size_t first = token.find('.');
  const std::size_t second = token.find('.', first + 1);
  if (first == std::string_view::npos || second == std::string_view::npos) return "{}";
  Result<std::string> payload =
      crypto::Base64UrlDecode(token.substr(first + 1, second - first - 1));
  return payload ? std::move(payload).value() : "{}";  // verified tokens always decode
}

}  // namespace

Status CheckExpiry(std::int64_t expires_at_s, Millis leeway, SystemTime now) {
  if (now > FromUnixSeconds(expires_at_s) + leeway) {
    return Unauthenticated("access token expired", reason::kTryRefreshToken);
  }
  return OkStatus();
}

Result<std::string> IssueAccessToken(const AccessTokenSpec& spec, const SigningKey& key,
                                     std::string_view issuer) {
  if (!key.active()) return FailedPrecondition("signing key is not active");
  bj::object claims;
  for (const auto& [name, value] : spec.custom) {
    if (IsReservedClaim(name)) {
      return InvalidArgument("access_payload uses the reserved claim '" + std::string(name) + "'");
    }
    claims[name] = value;
  }
  claims["iss"] = issuer;
  claims["sub"] = spec.user_id;
  claims["sid"] = spec.session_handle;
  claims["iat"] = ToUnixSeconds(spec.issued_at);
  claims["exp"] = ToUnixSeconds(spec.expires_at);
  claims["ver"] = spec.version;
  bj::array roles;
  for (const auto& role : spec.roles) roles.emplace_back(role);
  claims["roles"] = std::move(roles);
  if (spec.permissions) {
    bj::array perms;
    for (const auto& perm : *spec.permissions) perms.emplace_back(perm);
    claims["perms"] = std::move(perms);
  }
  const bj::object header{
      {"alg", crypto::AlgName(key.alg)}, {"kid", key.kid}, {"typ", kAccessTokenType}};
  return SignJws(header, claims, *key.private_key);
}

namespace {

Result<std::shared_ptr<const AccessClaims>> Verify(std::string_view token, const VerifyKeys& keys,
                                                   const VerifierOptions& options, SystemTime now,
                                                   bool check_times) {
  GH_ASSIGN_OR_RETURN(Jws jws, ParseJws(token));
  if (!IsAccessTokenType(jws.typ)) return Bad("typ is not at+jwt");
  const VerifyKey* key = keys.Find(jws.kid);
  if (key == nullptr) return Bad("unknown kid");
  if (key->revoked) {
    return Unauthenticated("signing key was revoked", reason::kTryRefreshToken);
  }
  if (!VerifyKeys::CanVerify(*key, now)) return Bad("signing key retired");
  if (!VerifySignature(jws, *key->public_key)) return Bad("bad signature");
  AccessClaims::Parts parts;
  GH_RETURN_IF_ERROR(ReadClaims(jws.claims, options, now, check_times, parts));
  const std::string all_json = PayloadJson(token);  // once per verified token, not per cache hit
  parts.kid = jws.kid;
  parts.token = token;
  parts.all_json = all_json;
  return AccessClaims::Make(parts);
}

}  // namespace

Result<std::shared_ptr<const AccessClaims>> VerifyAccessToken(std::string_view token,
                                                              const VerifyKeys& keys,
                                                              const VerifierOptions& options,
                                                              SystemTime now) {
  return Verify(token, keys, options, now, /*check_times=*/true);
}

Result<std::shared_ptr<const AccessClaims>> VerifyAccessTokenAnyTime(std::string_view token,
                                                                     const VerifyKeys& keys,
                                                                     const VerifierOptions& options,
                                                                     SystemTime now) {
  return Verify(token, keys, options, now, /*check_times=*/false);
}

}  // namespace gatehouse::tokens
