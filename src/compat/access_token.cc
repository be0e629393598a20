#include "compat/access_token.h"

#include <algorithm>

#include "compat/compat.h"
#include "tokens/jws.h"

namespace gatehouse::compat {
namespace {

namespace bj = boost::json;

Error TryRefresh(std::string_view why) {
  return Unauthenticated("access token: " + std::string(why), reason::kTryRefreshToken);
}

bool IsProtected(std::string_view name) {
  return std::find(kProtectedClaims.begin(), kProtectedClaims.end(), name) !=
         kProtectedClaims.end();
}

bj::value OrNull(const std::optional<std::string>& v) {
  return v ? bj::value(bj::string(*v)) : bj::value(nullptr);
}

// A string claim, or null (nullopt) where the layout allows it; an error for anything else.
Result<std::optional<std::string>> NullableString(const bj::object& claims, std::string_view name) {
  const bj::value* v = claims.if_contains(name);
  if (v == nullptr) return TryRefresh(std::string(name) + " is missing");
  if (v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return TryRefresh(std::string(name) + " is not a string");
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::string> RequiredString(const bj::object& claims, std::string_view name) {
  GH_ASSIGN_OR_RETURN(std::optional<std::string> v, NullableString(claims, name));
  if (!v) return TryRefresh(std::string(name) + " is null");
  return std::move(*v);
}

Result<std::int64_t> RequiredInt(const bj::object& claims, std::string_view name) {
  const bj::value* v = claims.if_contains(name);
  if (v == nullptr || !v->is_int64()) return TryRefresh(std::string(name) + " is not an integer");
  return v->as_int64();
}

}  // namespace

Status CheckUserPayload(const bj::object& payload) {
  for (const auto& [name, value] : payload) {
    if (IsProtected(name)) {
      return InvalidArgument("The user payload contains protected field: " + std::string(name));
    }
  }
  return OkStatus();
}

Result<std::string> IssueStAccessToken(const StAccessToken& token, const tokens::SigningKey& key) {
  if (!key.active()) return FailedPrecondition("signing key is not active");
  if (key.alg != crypto::SignatureAlg::kRS256) return FailedPrecondition("not an RS256 key");
  GH_RETURN_IF_ERROR(CheckUserPayload(token.payload));
  bj::object claims = token.payload;
  claims["sub"] = token.user_id;
  claims["rsub"] = token.user_id;
  claims["tId"] = token.tenant;
  claims["sessionHandle"] = token.session_handle;
  claims["refreshTokenHash1"] = token.refresh_hash1;
  claims["parentRefreshTokenHash1"] = OrNull(token.parent_refresh_hash1);
  claims["antiCsrfToken"] = OrNull(token.anti_csrf);
  claims["iat"] = token.issued_at_s;
  claims["exp"] = token.expires_at_s;
  const bj::object header{{"alg", "RS256"}, {"typ", "JWT"}, {"version", "5"}, {"kid", key.kid}};
  return tokens::SignJws(header, claims, *key.private_key);
}

Result<StAccessToken> ReadStAccessToken(std::string_view token,
                                        std::initializer_list<const tokens::VerifyKeys*> keys,
                                        SystemTime now, bool check_expiry) {
  Result<tokens::Jws> parsed = tokens::ParseJws(token);
  if (!parsed) return TryRefresh("malformed");
  tokens::Jws& jws = *parsed;
  const bj::value* version = jws.header.if_contains("version");
  // No version at all is a token of this layout signed by the JWT recipe (createJWT), which the
  // core verifies as a session's token too.
  if (jws.typ != "JWT" ||
      (version != nullptr && (!version->is_string() || version->as_string() != "5"))) {
    return TryRefresh("not a version 5 token");
  }
  const bool static_key = jws.kid.starts_with(kStaticKidPrefix);
  if (!jws.kid.starts_with(kKidPrefix) && !static_key) return TryRefresh("not a key of this face");
  const tokens::VerifyKey* key = nullptr;
  for (const tokens::VerifyKeys* set : keys) {
    if (key == nullptr && set != nullptr) key = set->Find(jws.kid);
  }
  if (key == nullptr || !tokens::VerifyKeys::CanVerify(*key, now)) {
    return TryRefresh("unknown or retired key");
  }
  if (!tokens::VerifySignature(jws, *key->public_key)) return TryRefresh("bad signature");
  StAccessToken out{.static_key = static_key};
  GH_ASSIGN_OR_RETURN(out.user_id, RequiredString(jws.claims, "sub"));
  GH_ASSIGN_OR_RETURN(out.tenant, RequiredString(jws.claims, "tId"));
  GH_ASSIGN_OR_RETURN(out.session_handle, RequiredString(jws.claims, "sessionHandle"));
  GH_ASSIGN_OR_RETURN(out.refresh_hash1, RequiredString(jws.claims, "refreshTokenHash1"));
  GH_ASSIGN_OR_RETURN(out.parent_refresh_hash1,
                      NullableString(jws.claims, "parentRefreshTokenHash1"));
  GH_ASSIGN_OR_RETURN(out.anti_csrf, NullableString(jws.claims, "antiCsrfToken"));
  GH_ASSIGN_OR_RETURN(out.issued_at_s, RequiredInt(jws.claims, "iat"));
  GH_ASSIGN_OR_RETURN(out.expires_at_s, RequiredInt(jws.claims, "exp"));
  if (check_expiry && ToUnixSeconds(now) >= out.expires_at_s) return TryRefresh("expired");
  for (auto& [name, value] : jws.claims) {
    if (!IsProtected(name)) out.payload[name] = std::move(value);
  }
  return out;
}

}  // namespace gatehouse::compat
