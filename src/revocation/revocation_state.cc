#include "revocation/revocation_state.h"

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

namespace gatehouse::revocation {

void RevocationState::RevokeSession(std::string_view handle, SystemTime at) {
  {
    MutexLock lock(mu_);
    revoked_handles_.insert_or_assign(std::string(handle), ToUnixMillis(at));
  }
  Bump();
}

void RevocationState::RevokeUserSessions(std::string_view user_id, SystemTime before,
                                         std::optional<std::string> except) {
  MutexLock lock(mu_);
  UserCut& cut = user_cuts_[std::string(user_id)];
  const std::int64_t before_ms = ToUnixMillis(before);
  if (before_ms >= cut.before_ms) {
    // A later cut replaces the earlier one; the earlier `except` session, if it survives, was
    // not exempted by the later call.
    cut = {.before_ms = before_ms, .except = std::move(except)};
  }
  Bump();  // still under the lock here, which is harmless
}

void RevocationState::SetClaimsVersion(std::string_view user_id, std::int64_t version,
                                       SystemTime at) {
  MutexLock lock(mu_);
  Version& v = versions_[std::string(user_id)];
  if (version >= v.version) v = {.version = version, .at_ms = ToUnixMillis(at)};
  Bump();
}

void RevocationState::RevokeKey(std::string_view kid, SystemTime at) {
  {
    MutexLock lock(mu_);
    revoked_keys_.insert_or_assign(std::string(kid), ToUnixMillis(at));
  }
  Bump();
}

Verdict RevocationState::Check(const TokenFacts& token) const {
  ReaderLock lock(mu_);
  if (revoked_handles_.find(token.session_handle) != revoked_handles_.end()) {
    return Verdict::kRevoked;
  }
  if (auto it = user_cuts_.find(token.user_id); it != user_cuts_.end()) {
    const UserCut& cut = it->second;
    // iat has whole seconds: only a token certainly issued before the cut is refused here.
    // Sessions revoked by the same call are also listed by handle, which covers the boundary.
    const bool before_cut = token.issued_at_s * 1000 + 999 < cut.before_ms;
    if (before_cut && (!cut.except || *cut.except != token.session_handle)) {
      return Verdict::kRevoked;
    }
  }
  if (auto it = versions_.find(token.user_id);
      it != versions_.end() && token.version < it->second.version) {
    return Verdict::kStale;
  }
  if (!revoked_keys_.empty() && revoked_keys_.find(token.key_id) != revoked_keys_.end()) {
    return Verdict::kStale;
  }
  return Verdict::kValid;
}

std::size_t RevocationState::Prune(SystemTime now) {
  const std::int64_t horizon = ToUnixMillis(now) - retention_.count();
  MutexLock lock(mu_);
  std::size_t n =
      std::erase_if(revoked_handles_, [&](const auto& kv) { return kv.second < horizon; });
  n += std::erase_if(user_cuts_, [&](const auto& kv) { return kv.second.before_ms < horizon; });
  // Once every token issued before the change has expired, no older `ver` can be presented.
  n += std::erase_if(versions_, [&](const auto& kv) { return kv.second.at_ms < horizon; });
  // A key revoked longer ago than a token lives signed nothing that is still unexpired.
  n += std::erase_if(revoked_keys_, [&](const auto& kv) { return kv.second < horizon; });
  return n;
}

std::size_t RevocationState::size() const {
  ReaderLock lock(mu_);
  return revoked_handles_.size() + user_cuts_.size() + versions_.size() + revoked_keys_.size();
}

}  // namespace gatehouse::revocation

namespace gatehouse::revocation {

std::string RevocationState::SnapshotJson() const {
  boost::json::object sessions, cuts, versions, keys;
  ReaderLock lock(mu_);
  for (const auto& [handle, at] : revoked_handles_) sessions[handle] = at;
  for (const auto& [user, cut] : user_cuts_) {
    boost::json::object c{{"before", cut.before_ms}};
    if (cut.except) c["except"] = *cut.except;
    cuts[user] = std::move(c);
  }
  for (const auto& [user, v] : versions_) versions[user] = v.version;
  for (const auto& [kid, at] : revoked_keys_) keys[kid] = at;
  return boost::json::serialize(boost::json::object{{"revoked_sessions", std::move(sessions)},
                                                    {"user_cuts", std::move(cuts)},
                                                    {"claims_versions", std::move(versions)},
                                                    {"revoked_keys", std::move(keys)}});
}

}  // namespace gatehouse::revocation
