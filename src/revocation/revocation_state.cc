#include "revocation/revocation_state.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "common/json.h"

namespace gatehouse::revocation {
namespace {

namespace bj = boost::json;

template <typename V>
void KeepLater(V& slot, std::int64_t at) {
  if (at > slot) slot = at;
}

}  // namespace

void RevocationState::Apply(const Event& event) {
  MutexLock lock(mu_);
  ApplyLocked(event);
  Bump();  // under the lock: whoever sees the new generation sees the change
}

void RevocationState::ApplyLocked(const Event& e) {
  switch (e.type) {
    case EventType::kSessionRevoked:
      KeepLater(maps_.revoked_handles[e.session_handle], e.at_ms);
      break;
    case EventType::kUserBanned:
      KeepLater(maps_.banned_users[e.user_id], e.at_ms);
      [[fallthrough]];
    case EventType::kUserSessionsRevoked:
      for (const std::string& handle : e.sessions) {
        KeepLater(maps_.revoked_handles[handle], e.at_ms);
      }
      break;
    case EventType::kUserUnbanned:
      maps_.banned_users.erase(e.user_id);
      break;
    case EventType::kClaimsChanged: {
      Version& v = maps_.versions[e.user_id];
      if (e.version >= v.version) v = {.version = e.version, .at_ms = e.at_ms};
      break;
    }
    case EventType::kKeyRevoked:
      KeepLater(maps_.revoked_keys[e.kid], e.at_ms);
      break;
  }
}

Verdict RevocationState::Check(const TokenFacts& token) const {
  ReaderLock lock(mu_);
  if (maps_.revoked_handles.find(token.session_handle) != maps_.revoked_handles.end()) {
    return Verdict::kRevoked;
  }
  if (!maps_.banned_users.empty() &&
      maps_.banned_users.find(token.user_id) != maps_.banned_users.end()) {
    return Verdict::kRevoked;
  }
  if (auto it = maps_.versions.find(token.user_id);
      it != maps_.versions.end() && token.version < it->second.version) {
    return Verdict::kStale;
  }
  if (!maps_.revoked_keys.empty() &&
      maps_.revoked_keys.find(token.key_id) != maps_.revoked_keys.end()) {
    return Verdict::kStale;
  }
  return Verdict::kValid;
}

std::size_t RevocationState::Prune(SystemTime now) {
  const std::int64_t horizon = ToUnixMillis(now) - retention_.count();
  const auto old = [horizon](const auto& kv) { return kv.second < horizon; };
  MutexLock lock(mu_);
  std::size_t n = std::erase_if(maps_.revoked_handles, old);
  n += std::erase_if(maps_.banned_users, old);
  // Once every token issued before the change has expired, no older `ver` can be presented.
  n += std::erase_if(maps_.versions, [&](const auto& kv) { return kv.second.at_ms < horizon; });
  // A key revoked longer ago than a token lives signed nothing that is still unexpired.
  n += std::erase_if(maps_.revoked_keys, old);
  return n;
}

std::size_t RevocationState::size() const {
  ReaderLock lock(mu_);
  return maps_.revoked_handles.size() + maps_.banned_users.size() + maps_.versions.size() +
         maps_.revoked_keys.size();
}

std::string RevocationState::SnapshotJson() const {
  bj::object sessions, banned, versions, keys;
  ReaderLock lock(mu_);
  for (const auto& [handle, at] : maps_.revoked_handles) sessions[handle] = at;
  for (const auto& [user, at] : maps_.banned_users) banned[user] = at;
  for (const auto& [user, v] : maps_.versions) {
    versions[user] = bj::object{{"ver", v.version}, {"at", v.at_ms}};
  }
  for (const auto& [kid, at] : maps_.revoked_keys) keys[kid] = at;
  return bj::serialize(bj::object{{"revoked_sessions", std::move(sessions)},
                                  {"banned_users", std::move(banned)},
                                  {"claims_versions", std::move(versions)},
                                  {"revoked_keys", std::move(keys)}});
}

namespace {

Error NotASnapshot(std::string_view what) {
  return InvalidArgument("not a revocation snapshot: " + std::string(what));
}

Result<const bj::object*> Member(const bj::object& o, std::string_view name) {
  const bj::value* v = o.if_contains(name);
  if (v == nullptr || !v->is_object()) return NotASnapshot(std::string(name) + " is missing");
  return &v->as_object();
}

template <typename Map>
Status ReadTimes(const bj::object& o, Map& out) {
  for (const auto& [key, at] : o) {
    if (!at.is_int64()) return NotASnapshot("a time is not an integer");
    out[std::string(key)] = at.as_int64();
  }
  return OkStatus();
}

}  // namespace

Status RevocationState::LoadSnapshot(std::string_view snapshot_json) {
  GH_ASSIGN_OR_RETURN(bj::value parsed, json::ParseStrict(snapshot_json));
  if (!parsed.is_object()) return NotASnapshot("not an object");
  const bj::object& root = parsed.as_object();
  Maps maps;
  GH_ASSIGN_OR_RETURN(const bj::object* sessions, Member(root, "revoked_sessions"));
  GH_ASSIGN_OR_RETURN(const bj::object* banned, Member(root, "banned_users"));
  GH_ASSIGN_OR_RETURN(const bj::object* versions, Member(root, "claims_versions"));
  GH_ASSIGN_OR_RETURN(const bj::object* keys, Member(root, "revoked_keys"));
  GH_RETURN_IF_ERROR(ReadTimes(*sessions, maps.revoked_handles));
  GH_RETURN_IF_ERROR(ReadTimes(*banned, maps.banned_users));
  GH_RETURN_IF_ERROR(ReadTimes(*keys, maps.revoked_keys));
  for (const auto& [user, v] : *versions) {
    const bj::object* o = v.if_object();
    const bj::value* ver = o != nullptr ? o->if_contains("ver") : nullptr;
    const bj::value* at = o != nullptr ? o->if_contains("at") : nullptr;
    if (ver == nullptr || at == nullptr || !ver->is_int64() || !at->is_int64()) {
      return NotASnapshot("a claims version is not {ver, at}");
    }
    maps.versions[std::string(user)] = {.version = ver->as_int64(), .at_ms = at->as_int64()};
  }
  MutexLock lock(mu_);
  maps_ = std::move(maps);
  Bump();
  return OkStatus();
}

}  // namespace gatehouse::revocation
