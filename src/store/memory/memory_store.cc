#include "store/memory/memory_store.h"

#include <algorithm>

namespace gatehouse::store {
namespace {

class MemoryTx final : public Tx {
 public:
  MemoryTx(MemoryStore::State& state, bool writable) : s_(state), writable_(writable) {}

  Result<std::optional<SessionRecord>> GetSession(std::string_view handle) override {
    auto it = s_.sessions.find(handle);
    if (it == s_.sessions.end()) return std::optional<SessionRecord>();
    return std::optional<SessionRecord>(it->second);
  }
  Status InsertSession(const SessionRecord& session) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    if (s_.sessions.contains(session.handle)) return AlreadyExists("session handle exists");
    s_.sessions.emplace(session.handle, session);
    return OkStatus();
  }
  Status UpdateSession(const SessionRecord& session) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    auto it = s_.sessions.find(session.handle);
    if (it == s_.sessions.end() || it->second.user_id != session.user_id ||
        it->second.created_at != session.created_at) {
      return NotFound("no such session");
    }
    it->second = session;
    return OkStatus();
  }
  Result<std::vector<SessionRecord>> ListLiveSessions(std::string_view user_id,
                                                      std::int64_t now) override {
    std::vector<SessionRecord> out;
    for (const auto& [handle, s] : s_.sessions) {
      if (s.user_id == user_id && s.live(now)) out.push_back(s);
    }
    std::sort(out.begin(), out.end(), [](const auto& a, const auto& b) {
      return a.created_at != b.created_at ? a.created_at > b.created_at : a.handle > b.handle;
    });
    return out;
  }

  Status InsertUser(const UserRecord& user) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    if (s_.users.contains(user.id)) return AlreadyExists("user id exists");
    for (const auto& [id, u] : s_.users) {
      if (u.email == user.email) return AlreadyExists("email already registered");
    }
    s_.users.emplace(user.id, user);
    return OkStatus();
  }
  Result<std::optional<UserRecord>> GetUser(std::string_view id) override {
    auto it = s_.users.find(id);
    if (it == s_.users.end()) return std::optional<UserRecord>();
    return std::optional<UserRecord>(WithBan(it->second));
  }
  Result<std::optional<UserRecord>> GetUserByEmail(std::string_view email) override {
    for (const auto& [id, u] : s_.users) {
      if (u.email == email) return std::optional<UserRecord>(WithBan(u));
    }
    return std::optional<UserRecord>();
  }
  Status UpdateUser(const UserRecord& user) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    auto it = s_.users.find(user.id);
    if (it == s_.users.end()) return NotFound("no such user");
    for (const auto& [id, u] : s_.users) {
      if (id != user.id && u.email == user.email) return AlreadyExists("email already registered");
    }
    it->second = user;
    return OkStatus();
  }
  Result<bool> DeleteUser(std::string_view id) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    auto it = s_.users.find(id);
    if (it == s_.users.end()) return false;
    std::erase_if(s_.one_time_tokens, [&](const auto& t) { return t.second.user_id == id; });
    std::erase_if(s_.verified_emails, [&](const auto& v) { return v.first == id; });
    s_.users.erase(it);
    return true;
  }
  Result<std::vector<UserRecord>> ListUsersByAge(std::string_view id_prefix, bool newest_first,
                                                 const std::optional<UserCursor>& after,
                                                 int limit) override {
    std::vector<UserRecord> out;
    for (const auto& [id, user] : s_.users) {
      if (!id.starts_with(id_prefix)) continue;
      if (after) {
        const auto key = std::tie(user.created_at, user.id);
        const auto cursor = std::tie(after->created_at, after->id);
        if (newest_first ? !(key < cursor) : !(cursor < key)) continue;
      }
      out.push_back(WithBan(user));
    }
    std::sort(out.begin(), out.end(), [newest_first](const auto& a, const auto& b) {
      const auto ka = std::tie(a.created_at, a.id);
      const auto kb = std::tie(b.created_at, b.id);
      return newest_first ? kb < ka : ka < kb;
    });
    if (static_cast<int>(out.size()) > limit) out.resize(static_cast<std::size_t>(limit));
    return out;
  }
  Result<std::int64_t> CountUsers(std::string_view id_prefix) override {
    return static_cast<std::int64_t>(
        std::count_if(s_.users.begin(), s_.users.end(),
                      [&](const auto& u) { return u.first.starts_with(id_prefix); }));
  }
  Status PutOneTimeToken(const OneTimeTokenRecord& token) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    if (!s_.one_time_tokens.emplace(token.hash, token).second) return AlreadyExists("token exists");
    return OkStatus();
  }
  Result<std::optional<OneTimeTokenRecord>> TakeOneTimeToken(std::string_view hash) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    auto it = s_.one_time_tokens.find(hash);
    if (it == s_.one_time_tokens.end()) return std::optional<OneTimeTokenRecord>();
    OneTimeTokenRecord token = std::move(it->second);
    s_.one_time_tokens.erase(it);
    return std::optional<OneTimeTokenRecord>(std::move(token));
  }
  Status DeleteOneTimeTokens(std::string_view user_id, std::string_view kind) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    std::erase_if(s_.one_time_tokens, [&](const auto& t) {
      return t.second.user_id == user_id && t.second.kind == kind;
    });
    return OkStatus();
  }
  Status PruneOneTimeTokens(std::int64_t now) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    std::erase_if(s_.one_time_tokens, [&](const auto& t) { return t.second.expires_at <= now; });
    return OkStatus();
  }
  Status SetEmailVerified(std::string_view user_id, std::string_view email,
                          bool verified) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    std::pair<std::string, std::string> key{user_id, email};
    if (verified) {
      s_.verified_emails.insert(std::move(key));
    } else {
      s_.verified_emails.erase(key);
    }
    return OkStatus();
  }
  Status PutFaceApp(const FaceAppRecord& app) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    s_.face_apps[app.id] = app;
    return OkStatus();
  }
  Result<std::optional<FaceAppRecord>> GetFaceApp(std::string_view id) override {
    auto it = s_.face_apps.find(id);
    if (it == s_.face_apps.end()) return std::optional<FaceAppRecord>();
    return std::optional<FaceAppRecord>(it->second);
  }
  Result<std::vector<FaceAppRecord>> ListFaceApps() override {
    std::vector<FaceAppRecord> out;
    for (const auto& [id, app] : s_.face_apps) out.push_back(app);
    return out;
  }
  Result<bool> IsEmailVerified(std::string_view user_id, std::string_view email) override {
    return s_.verified_emails.contains({std::string(user_id), std::string(email)});
  }
  Result<std::vector<UserRecord>> ListUsers(std::string_view email_prefix, std::string_view after,
                                            int limit) override {
    std::vector<UserRecord> out;
    if (email_prefix.empty()) {
      for (auto it = s_.users.upper_bound(after);
           it != s_.users.end() && static_cast<int>(out.size()) < limit; ++it) {
        out.push_back(WithBan(it->second));
      }
      return out;
    }
    for (const auto& [id, user] : s_.users) {
      if (user.email.starts_with(email_prefix) && user.email > after) out.push_back(WithBan(user));
    }
    std::sort(out.begin(), out.end(),
              [](const auto& a, const auto& b) { return a.email < b.email; });
    if (static_cast<int>(out.size()) > limit) out.resize(static_cast<std::size_t>(limit));
    return out;
  }

  Status PutBan(std::string_view user_id, std::string_view reason, std::int64_t) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    s_.bans[std::string(user_id)] = std::string(reason);
    return OkStatus();
  }
  Result<bool> DeleteBan(std::string_view user_id) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    auto it = s_.bans.find(user_id);
    if (it == s_.bans.end()) return false;
    s_.bans.erase(it);
    return true;
  }
  Result<bool> IsBanned(std::string_view user_id) override { return s_.bans.contains(user_id); }

  Result<std::optional<ThrottleRecord>> GetThrottle(std::string_view key) override {
    auto it = s_.throttles.find(key);
    if (it == s_.throttles.end()) return std::optional<ThrottleRecord>();
    return std::optional<ThrottleRecord>(it->second);
  }
  Status PutThrottle(const ThrottleRecord& record) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    s_.throttles[record.key] = record;
    return OkStatus();
  }
  Status DeleteThrottle(std::string_view key) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    if (auto it = s_.throttles.find(key); it != s_.throttles.end()) s_.throttles.erase(it);
    return OkStatus();
  }
  Result<int> PruneThrottles(std::int64_t updated_before) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    return static_cast<int>(std::erase_if(
        s_.throttles, [&](const auto& kv) { return kv.second.updated_at < updated_before; }));
  }

  Status PutRole(const RoleRecord& role) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    s_.roles[role.name] = role;
    return OkStatus();
  }
  Result<std::optional<RoleRecord>> GetRole(std::string_view name) override {
    auto it = s_.roles.find(name);
    if (it == s_.roles.end()) return std::optional<RoleRecord>();
    return std::optional<RoleRecord>(it->second);
  }
  Result<std::vector<RoleRecord>> ListRoles() override {
    std::vector<RoleRecord> out;
    for (const auto& [name, role] : s_.roles) out.push_back(role);
    return out;
  }
  Result<bool> DeleteRole(std::string_view name) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    auto it = s_.roles.find(name);
    if (it == s_.roles.end()) return false;
    s_.roles.erase(it);
    std::erase_if(s_.grants, [&](const auto& g) { return g.second == name; });
    return true;
  }
  Result<bool> GrantRole(std::string_view user_id, std::string_view role) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    return s_.grants.emplace(std::string(user_id), std::string(role)).second;
  }
  Result<bool> RemoveRole(std::string_view user_id, std::string_view role) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    return s_.grants.erase({std::string(user_id), std::string(role)}) > 0;
  }
  Result<std::vector<std::string>> UserRoles(std::string_view user_id) override {
    std::vector<std::string> out;
    for (const auto& [user, role] : s_.grants) {
      if (user == user_id) out.push_back(role);
    }
    return out;
  }
  Result<std::vector<std::string>> RoleUsers(std::string_view role) override {
    std::vector<std::string> out;
    for (const auto& [user, r] : s_.grants) {
      if (r == role) out.push_back(user);
    }
    std::sort(out.begin(), out.end());
    return out;
  }
  Result<std::int64_t> ClaimsVersion(std::string_view user_id) override {
    auto it = s_.claims_versions.find(user_id);
    return it == s_.claims_versions.end() ? std::int64_t{0} : it->second;
  }
  Result<std::int64_t> BumpClaimsVersion(std::string_view user_id) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    return ++s_.claims_versions[std::string(user_id)];
  }

  Result<std::optional<RefreshTokenRecord>> GetRefreshToken(std::string_view hash) override {
    auto it = s_.tokens.find(hash);
    if (it == s_.tokens.end()) return std::optional<RefreshTokenRecord>();
    return std::optional<RefreshTokenRecord>(it->second);
  }
  Status InsertRefreshToken(const RefreshTokenRecord& token) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    if (s_.tokens.contains(token.hash)) return AlreadyExists("refresh token exists");
    s_.tokens.emplace(token.hash, token);
    return OkStatus();
  }
  Status UpdateRefreshToken(const RefreshTokenRecord& token) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    auto it = s_.tokens.find(token.hash);
    if (it == s_.tokens.end()) return NotFound("no such refresh token");
    it->second = token;
    return OkStatus();
  }
  Result<int> CountPendingChildren(std::string_view session_handle,
                                   std::string_view parent_hash) override {
    int n = 0;
    for (const auto& [hash, t] : s_.tokens) {
      n += t.session_handle == session_handle && t.parent_hash == parent_hash &&
                   t.state == RefreshState::kPending
               ? 1
               : 0;
    }
    return n;
  }
  Status TrimRefreshTokens(std::string_view session_handle, int keep,
                           const std::vector<std::string>& protected_parents) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    std::vector<const RefreshTokenRecord*> others;
    for (const auto& [hash, t] : s_.tokens) {
      const bool is_protected = std::find(protected_parents.begin(), protected_parents.end(),
                                          t.parent_hash) != protected_parents.end();
      if (t.session_handle == session_handle && t.state != RefreshState::kCommitted &&
          !is_protected) {
        others.push_back(&t);
      }
    }
    std::sort(others.begin(), others.end(), [](const auto* a, const auto* b) {
      return a->created_at != b->created_at ? a->created_at > b->created_at : a->hash > b->hash;
    });
    std::vector<std::string> drop;
    for (std::size_t i = static_cast<std::size_t>(std::max(keep, 0)); i < others.size(); ++i) {
      drop.push_back(others[i]->hash);
    }
    for (const auto& hash : drop) s_.tokens.erase(hash);
    return OkStatus();
  }

  Result<std::int64_t> AppendEvent(const EventRecord& event) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    EventRecord e = event;
    e.seq = ++s_.last_event_seq;
    s_.events.push_back(e);
    return e.seq;
  }
  Status AppendAudit(const AuditRecord& entry) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    AuditRecord a = entry;
    a.seq = s_.audit.empty() ? 1 : s_.audit.back().seq + 1;
    s_.audit.push_back(a);
    return OkStatus();
  }
  Status PutSigningKey(const SigningKeyRecord& key) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    s_.keys[key.kid] = key;
    return OkStatus();
  }
  Status DeleteSigningKey(std::string_view kid) override {
    GH_RETURN_IF_ERROR(CheckWritable());
    if (auto it = s_.keys.find(kid); it != s_.keys.end()) s_.keys.erase(it);
    return OkStatus();
  }

 private:
  UserRecord WithBan(UserRecord u) const {
    u.banned = s_.bans.contains(u.id);
    return u;
  }
  Status CheckWritable() const {
    if (!writable_) return FailedPrecondition("write in a read transaction");
    return OkStatus();
  }
  MemoryStore::State& s_;
  bool writable_;
};

}  // namespace

Status MemoryStore::Write(std::function<Status(Tx&)> fn) {
  std::vector<EventRecord> appended;
  {
    MutexLock lock(mu_);
    State copy = state_;
    MemoryTx tx(copy, /*writable=*/true);
    GH_RETURN_IF_ERROR(fn(tx));
    for (const EventRecord& e : copy.events) {
      if (e.seq > state_.last_event_seq) appended.push_back(e);
    }
    state_ = std::move(copy);
  }
  // Outside the lock (the listener may read): concurrent writers may call it out of seq order,
  // which the feed tolerates by reading any gap from the store.
  if (!appended.empty() && listener_) listener_(appended);
  return OkStatus();
}

Status MemoryStore::Read(std::function<Status(Tx&)> fn) {
  MutexLock lock(mu_);
  MemoryTx tx(state_, /*writable=*/false);
  return fn(tx);
}

Result<std::vector<SigningKeyRecord>> MemoryStore::ListSigningKeys() {
  MutexLock lock(mu_);
  std::vector<SigningKeyRecord> out;
  for (const auto& [kid, key] : state_.keys) out.push_back(key);
  std::stable_sort(out.begin(), out.end(),
                   [](const auto& a, const auto& b) { return a.created_at < b.created_at; });
  return out;
}

Result<std::vector<EventRecord>> MemoryStore::ReadEvents(std::int64_t after, int limit) {
  MutexLock lock(mu_);
  std::vector<EventRecord> out;
  for (const auto& e : state_.events) {
    if (e.seq > after && static_cast<int>(out.size()) < limit) out.push_back(e);
  }
  return out;
}

Result<std::int64_t> MemoryStore::LastEventSeq() {
  MutexLock lock(mu_);
  return state_.last_event_seq;
}

Result<std::int64_t> MemoryStore::FirstEventSeq() {
  MutexLock lock(mu_);
  return state_.events.empty() ? state_.last_event_seq + 1 : state_.events.front().seq;
}

Result<int> MemoryStore::PruneEvents(std::int64_t before_at, int limit) {
  MutexLock lock(mu_);
  int n = 0;
  while (n < limit && !state_.events.empty() && state_.events.front().at < before_at) {
    state_.events.erase(state_.events.begin());
    ++n;
  }
  return n;
}

Result<std::vector<AuditRecord>> MemoryStore::ListAudit(std::string_view user_id,
                                                        std::int64_t before, int limit) {
  MutexLock lock(mu_);
  std::vector<AuditRecord> out;
  for (auto it = state_.audit.rbegin(); it != state_.audit.rend(); ++it) {
    if (static_cast<int>(out.size()) >= limit) break;
    if (before > 0 && it->seq >= before) continue;
    if (!user_id.empty() && it->user_id != user_id) continue;
    out.push_back(*it);
  }
  return out;
}

Result<int> MemoryStore::DeleteDeadSessions(std::int64_t now, std::int64_t revoked_before,
                                            int limit) {
  MutexLock lock(mu_);
  std::vector<std::string> dead;
  for (const auto& [handle, s] : state_.sessions) {
    if (static_cast<int>(dead.size()) >= limit) break;
    if (s.expires_at() <= now || (s.revoked_at && *s.revoked_at < revoked_before)) {
      dead.push_back(handle);
    }
  }
  for (const auto& handle : dead) {
    state_.sessions.erase(handle);
    std::erase_if(state_.tokens,
                  [&](const auto& kv) { return kv.second.session_handle == handle; });
  }
  return static_cast<int>(dead.size());
}

MemoryStore::State MemoryStore::Snapshot() {
  MutexLock lock(mu_);
  return state_;
}

Result<StoreStats> MemoryStore::Stats() {
  MutexLock lock(mu_);
  return StoreStats{.sessions = static_cast<std::int64_t>(state_.sessions.size()),
                    .refresh_tokens = static_cast<std::int64_t>(state_.tokens.size())};
}

}  // namespace gatehouse::store
