#include "store/fault_injecting_store.h"

namespace gatehouse::store {
namespace {

// Forwards to the inner Tx, failing when the store says so.
class FaultTx final : public Tx {
 public:
  FaultTx(FaultInjectingStore& store, Tx& inner) : store_(store), inner_(inner) {}

  Result<std::optional<SessionRecord>> GetSession(std::string_view handle) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.GetSession(handle);
  }
  Status InsertSession(const SessionRecord& s) override {
    return store_.Trip() ? FaultInjectingStore::Injected() : inner_.InsertSession(s);
  }
  Status UpdateSession(const SessionRecord& s) override {
    return store_.Trip() ? FaultInjectingStore::Injected() : inner_.UpdateSession(s);
  }
  Result<std::vector<SessionRecord>> ListLiveSessions(std::string_view user_id,
                                                      std::int64_t now) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.ListLiveSessions(user_id, now);
  }
  Status InsertUser(const UserRecord& u) override {
    return store_.Trip() ? FaultInjectingStore::Injected() : inner_.InsertUser(u);
  }
  Result<std::optional<UserRecord>> GetUser(std::string_view id) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.GetUser(id);
  }
  Result<std::optional<UserRecord>> GetUserByEmail(std::string_view email) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.GetUserByEmail(email);
  }
  Status UpdateUser(const UserRecord& u) override {
    return store_.Trip() ? FaultInjectingStore::Injected() : inner_.UpdateUser(u);
  }
  Result<bool> DeleteUser(std::string_view id) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.DeleteUser(id);
  }
  Result<std::vector<UserRecord>> ListUsers(std::string_view email_prefix, std::string_view after,
                                            int limit) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.ListUsers(email_prefix, after, limit);
  }
  Result<std::vector<UserRecord>> ListUsersByAge(std::string_view id_prefix, bool newest_first,
                                                 const std::optional<UserCursor>& after,
                                                 int limit) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.ListUsersByAge(id_prefix, newest_first, after, limit);
  }
  Result<std::int64_t> CountUsers(std::string_view id_prefix) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.CountUsers(id_prefix);
  }
  Status PutOneTimeToken(const OneTimeTokenRecord& token) override {
    return store_.Trip() ? FaultInjectingStore::Injected() : inner_.PutOneTimeToken(token);
  }
  Result<std::optional<OneTimeTokenRecord>> TakeOneTimeToken(std::string_view hash) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.TakeOneTimeToken(hash);
  }
  Status DeleteOneTimeTokens(std::string_view user_id, std::string_view kind) override {
    return store_.Trip() ? FaultInjectingStore::Injected()
                         : inner_.DeleteOneTimeTokens(user_id, kind);
  }
  Status PruneOneTimeTokens(std::int64_t now) override {
    return store_.Trip() ? FaultInjectingStore::Injected() : inner_.PruneOneTimeTokens(now);
  }
  Status SetEmailVerified(std::string_view user_id, std::string_view email,
                          bool verified) override {
    return store_.Trip() ? FaultInjectingStore::Injected()
                         : inner_.SetEmailVerified(user_id, email, verified);
  }
  Result<bool> IsEmailVerified(std::string_view user_id, std::string_view email) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.IsEmailVerified(user_id, email);
  }
  Status PutFaceApp(const FaceAppRecord& app) override {
    return store_.Trip() ? FaultInjectingStore::Injected() : inner_.PutFaceApp(app);
  }
  Result<std::optional<FaceAppRecord>> GetFaceApp(std::string_view id) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.GetFaceApp(id);
  }
  Result<std::vector<FaceAppRecord>> ListFaceApps() override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.ListFaceApps();
  }
  Status PutBan(std::string_view user_id, std::string_view reason, std::int64_t at) override {
    return store_.Trip() ? FaultInjectingStore::Injected() : inner_.PutBan(user_id, reason, at);
  }
  Result<bool> DeleteBan(std::string_view user_id) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.DeleteBan(user_id);
  }
  Result<bool> IsBanned(std::string_view user_id) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.IsBanned(user_id);
  }
  Status PutRole(const RoleRecord& r) override {
    return store_.Trip() ? FaultInjectingStore::Injected() : inner_.PutRole(r);
  }
  Result<std::optional<RoleRecord>> GetRole(std::string_view name) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.GetRole(name);
  }
  Result<std::vector<RoleRecord>> ListRoles() override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.ListRoles();
  }
  Result<bool> DeleteRole(std::string_view name) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.DeleteRole(name);
  }
  Result<bool> GrantRole(std::string_view user_id, std::string_view role) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.GrantRole(user_id, role);
  }
  Result<bool> RemoveRole(std::string_view user_id, std::string_view role) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.RemoveRole(user_id, role);
  }
  Result<std::vector<std::string>> UserRoles(std::string_view user_id) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.UserRoles(user_id);
  }
  Result<std::vector<std::string>> RoleUsers(std::string_view role) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.RoleUsers(role);
  }
  Result<std::int64_t> ClaimsVersion(std::string_view user_id) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.ClaimsVersion(user_id);
  }
  Result<std::int64_t> BumpClaimsVersion(std::string_view user_id) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.BumpClaimsVersion(user_id);
  }
  Result<std::optional<RefreshTokenRecord>> GetRefreshToken(std::string_view hash) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.GetRefreshToken(hash);
  }
  Status InsertRefreshToken(const RefreshTokenRecord& t) override {
    return store_.Trip() ? FaultInjectingStore::Injected() : inner_.InsertRefreshToken(t);
  }
  Status UpdateRefreshToken(const RefreshTokenRecord& t) override {
    return store_.Trip() ? FaultInjectingStore::Injected() : inner_.UpdateRefreshToken(t);
  }
  Result<int> CountPendingChildren(std::string_view session_handle,
                                   std::string_view parent_hash) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.CountPendingChildren(session_handle, parent_hash);
  }
  Status TrimRefreshTokens(std::string_view session_handle, int keep,
                           const std::vector<std::string>& protected_parents) override {
    return store_.Trip() ? FaultInjectingStore::Injected()
                         : inner_.TrimRefreshTokens(session_handle, keep, protected_parents);
  }
  Result<std::int64_t> AppendEvent(const EventRecord& e) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.AppendEvent(e);
  }
  Status AppendAudit(const AuditRecord& a) override {
    return store_.Trip() ? FaultInjectingStore::Injected() : inner_.AppendAudit(a);
  }
  Status PutSigningKey(const SigningKeyRecord& k) override {
    return store_.Trip() ? FaultInjectingStore::Injected() : inner_.PutSigningKey(k);
  }
  Status DeleteSigningKey(std::string_view kid) override {
    return store_.Trip() ? FaultInjectingStore::Injected() : inner_.DeleteSigningKey(kid);
  }
  Result<std::optional<ThrottleRecord>> GetThrottle(std::string_view key) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.GetThrottle(key);
  }
  Status PutThrottle(const ThrottleRecord& r) override {
    return store_.Trip() ? FaultInjectingStore::Injected() : inner_.PutThrottle(r);
  }
  Status DeleteThrottle(std::string_view key) override {
    return store_.Trip() ? FaultInjectingStore::Injected() : inner_.DeleteThrottle(key);
  }
  Result<int> PruneThrottles(std::int64_t updated_before) override {
    if (store_.Trip()) return FaultInjectingStore::Injected();
    return inner_.PruneThrottles(updated_before);
  }

 private:
  FaultInjectingStore& store_;
  Tx& inner_;
};

}  // namespace

Status FaultInjectingStore::Write(std::function<Status(Tx&)> fn) {
  if (Trip()) return Injected();
  // The commit itself can fail too: a trip after the callback ran rolls everything back.
  return inner_.Write([&](Tx& tx) -> Status {
    FaultTx faulty(*this, tx);
    GH_RETURN_IF_ERROR(fn(faulty));
    return Trip() ? Injected() : OkStatus();
  });
}

Status FaultInjectingStore::Read(std::function<Status(Tx&)> fn) {
  if (Trip()) return Injected();
  return inner_.Read([&](Tx& tx) -> Status {
    FaultTx faulty(*this, tx);
    return fn(faulty);
  });
}

}  // namespace gatehouse::store
