#include "tokens/verify_keys.h"

#include <algorithm>
#include <boost/json/object.hpp>
#include <map>

#include "common/json.h"

namespace gatehouse::tokens {

namespace bj = boost::json;

namespace {

// A retired key's limit. One that is not a whole number of milliseconds fails closed for that key
// alone (it counts as past its window; the document's other keys still load, so a verifier
// still learns new kids); values are kept inside SystemTime's range.
std::optional<SystemTime> VerifiesUntil(const bj::object& jwk) {
  const bj::value* ms = jwk.if_contains(kVerifiesUntilMember);
  if (ms == nullptr) return std::nullopt;
  constexpr std::int64_t kLatestMs = 9'000'000'000'000;  // the year 2255
  if (ms->is_int64()) return FromUnixMillis(std::clamp<std::int64_t>(ms->as_int64(), 0, kLatestMs));
  if (ms->is_uint64()) return FromUnixMillis(kLatestMs);
  return FromUnixMillis(0);
}

}  // namespace

void VerifyKeys::Add(VerifyKey key) {
  for (VerifyKey& held : keys_) {
    if (held.kid == key.kid) {
      held = std::move(key);
      return;
    }
  }
  keys_.push_back(std::move(key));
}

void VerifyKeys::Revoke(std::string_view kid) {
  for (VerifyKey& held : keys_) {
    if (held.kid == kid) {
      held.revoked = true;
      return;
    }
  }
  // A placeholder: no public half (it verifies nothing), only the fact that it was revoked.
  keys_.push_back(VerifyKey{.kid = std::string(kid), .revoked = true});
}

const VerifyKey* VerifyKeys::Find(std::string_view kid) const {
  for (const VerifyKey& key : keys_) {
    if (key.kid == kid) return &key;
  }
  return nullptr;
}

std::vector<std::string> VerifyKeys::Kids() const {
  std::vector<std::string> kids;
  for (const VerifyKey& key : keys_) kids.push_back(key.kid);
  return kids;
}

Result<VerifyKeys> VerifyKeys::FromJwks(std::string_view jwks_json) {
  GH_ASSIGN_OR_RETURN(bj::value doc, json::ParseStrict(jwks_json));
  const bj::object* root = doc.if_object();
  const bj::value* list = root != nullptr ? root->if_contains("keys") : nullptr;
  if (list == nullptr || !list->is_array()) return InvalidArgument("JWKS: no keys array");
  VerifyKeys set;
  for (const bj::value& entry : list->as_array()) {
    const bj::object* jwk = entry.if_object();
    if (jwk == nullptr) return InvalidArgument("JWKS: a key is not an object");
    std::map<std::string, std::string> members;
    for (const auto& [name, value] : *jwk) {
      if (value.is_string()) members[std::string(name)] = std::string(value.as_string());
    }
    const auto alg_name = members.find("alg");
    const auto kid = members.find("kid");
    if (alg_name == members.end() || kid == members.end() || kid->second.empty()) {
      return InvalidArgument("JWKS: a key without kid or alg");
    }
    const auto use = members.find("use");
    if (use != members.end() && use->second != "sig") continue;
    Result<crypto::SignatureAlg> alg = crypto::ParseAlg(alg_name->second);
    if (!alg) continue;  // not an algorithm of ours: not a key our tokens name
    if (set.Find(kid->second) != nullptr) return InvalidArgument("JWKS: repeated kid");
    GH_ASSIGN_OR_RETURN(crypto::PublicKey key, crypto::PublicKey::FromJwk(*alg, members));
    set.keys_.push_back(VerifyKey{
        .kid = kid->second, .public_key = std::move(key), .verifies_until = VerifiesUntil(*jwk)});
  }
  return set;
}

}  // namespace gatehouse::tokens
