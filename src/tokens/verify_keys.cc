#include "tokens/verify_keys.h"

#include <boost/json/object.hpp>
#include <map>

#include "common/json.h"

namespace gatehouse::tokens {

namespace bj = boost::json;

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
    std::optional<SystemTime> until;
    if (const bj::value* ms = jwk->if_contains(kVerifiesUntilMember)) {
      if (!ms->is_int64()) return InvalidArgument("JWKS: a verify limit that is not an integer");
      until = FromUnixMillis(ms->as_int64());
    }
    set.keys_.push_back(
        VerifyKey{.kid = kid->second, .public_key = std::move(key), .verifies_until = until});
  }
  return set;
}

}  // namespace gatehouse::tokens
