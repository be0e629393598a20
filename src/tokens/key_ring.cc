#include "tokens/key_ring.h"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "crypto/base64url.h"

namespace gatehouse::tokens {

void KeyRing::Add(SigningKey key) {
  keys_.push_back(std::move(key));
  std::stable_sort(keys_.begin(), keys_.end(), [](const SigningKey& a, const SigningKey& b) {
    return a.created_at < b.created_at;
  });
}

bool KeyRing::Owns(std::string_view kid_prefix, std::string_view kid) {
  if (!kid_prefix.empty()) {
    // The prefix and digits only: "d-" does not own "d-app-1700000000000" (family "d-app-").
    if (!kid.starts_with(kid_prefix) || kid.size() == kid_prefix.size()) return false;
    const std::string_view rest = kid.substr(kid_prefix.size());
    return std::all_of(rest.begin(), rest.end(), [](char c) { return c >= '0' && c <= '9'; });
  }
  return kid.size() < 2 || kid[1] != '-';  // a family's kids are "<letter>-…"
}

bool KeyRing::NeedsRotation(SystemTime now) const {
  const SigningKey* signer = Signer();
  return signer == nullptr || now - signer->created_at >= options_.rotation_interval;
}

Result<SigningKey> KeyRing::Rotate(SystemTime now, RandomSource& random) {
  GH_ASSIGN_OR_RETURN(crypto::PrivateKey fresh, crypto::PrivateKey::Generate(options_.alg, random));
  for (SigningKey& key : keys_) {
    if (key.active()) {
      key.retired_at = now;
      key.private_key.reset();
    }
  }
  std::string kid;
  if (options_.kid_prefix.empty()) {
    do {
      kid = crypto::Base64UrlEncode(random.Bytes(16));
    } while (!Owns("", kid));
  } else {
    // Unique in the ring even when two keys are made within one millisecond.
    std::int64_t ms = ToUnixMillis(now);
    while (Find(options_.kid_prefix + std::to_string(ms)) != nullptr) ++ms;
    kid = options_.kid_prefix + std::to_string(ms);
  }
  SigningKey key{.kid = std::move(kid),
                 .alg = options_.alg,
                 .private_key = nullptr,
                 .public_key = fresh.Public(),
                 .created_at = now};
  key.private_key = std::make_shared<const crypto::PrivateKey>(std::move(fresh));
  keys_.push_back(key);
  return key;
}

Status KeyRing::Revoke(std::string_view kid) {
  for (SigningKey& key : keys_) {
    if (key.kid == kid) {
      key.revoked = true;
      key.private_key.reset();
      return OkStatus();
    }
  }
  return NotFound("unknown key");
}

std::vector<std::string> KeyRing::RevokeAllButActive() {
  std::vector<std::string> revoked;
  const SigningKey* signer = Signer();
  for (SigningKey& key : keys_) {
    if (&key != signer && !key.revoked) {
      key.revoked = true;
      key.private_key.reset();
      revoked.push_back(key.kid);
    }
  }
  return revoked;
}

std::vector<std::string> KeyRing::Prune(SystemTime now) {
  std::vector<std::string> dropped;
  std::erase_if(keys_, [&](const SigningKey& key) {
    const SystemTime since = key.retired_at.value_or(key.created_at);
    const bool gone = (key.retired_at || key.revoked) && now - since > options_.verify_window;
    if (gone) dropped.push_back(key.kid);
    return gone;
  });
  return dropped;
}

const SigningKey* KeyRing::Signer() const {
  for (auto it = keys_.rbegin(); it != keys_.rend(); ++it) {
    if (it->active() && it->alg == options_.alg) return &*it;
  }
  return nullptr;
}

const SigningKey* KeyRing::Find(std::string_view kid) const {
  for (const SigningKey& key : keys_) {
    if (key.kid == kid) return &key;
  }
  return nullptr;
}

bool KeyRing::CanVerify(const SigningKey& key, SystemTime now) const {
  if (key.revoked) return false;
  return !key.retired_at || now - *key.retired_at <= options_.verify_window;
}

std::optional<SystemTime> KeyRing::VerifiesUntil(const SigningKey& key) const {
  if (!key.retired_at) return std::nullopt;
  return *key.retired_at + options_.verify_window;
}

tokens::VerifyKeys KeyRing::VerifyKeys() const {
  tokens::VerifyKeys set;
  for (const SigningKey& key : keys_) {
    set.Add(VerifyKey{.kid = key.kid,
                      .public_key = key.public_key,
                      .revoked = key.revoked,
                      .verifies_until = VerifiesUntil(key)});
  }
  return set;
}

std::string KeyRing::JwksJson(SystemTime now) const { return tokens::JwksJson({this}, now); }

std::string JwksJson(std::initializer_list<const KeyRing*> rings, SystemTime now) {
  boost::json::array jwks;
  for (const KeyRing* ring : rings) {
    for (const SigningKey& key : ring->keys()) {
      if (!ring->CanVerify(key, now)) continue;
      boost::json::object jwk;
      for (const auto& [name, value] : key.public_key.JwkMembers()) jwk[name] = value;
      jwk["kid"] = key.kid;
      jwk["alg"] = crypto::AlgName(key.alg);
      jwk["use"] = "sig";
      if (const auto until = ring->VerifiesUntil(key)) {
        jwk[kVerifiesUntilMember] = ToUnixMillis(*until);
      }
      jwks.push_back(std::move(jwk));
    }
  }
  return boost::json::serialize(boost::json::object{{"keys", std::move(jwks)}});
}

}  // namespace gatehouse::tokens
