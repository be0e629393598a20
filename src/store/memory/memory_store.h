#pragma once
// MemoryStore: the Store in process memory, for unit tests. Not durable.
//
// A Write copies the whole state, runs the callback on the copy and keeps it only on success, so
// a failing callback leaves nothing behind (cost grows with the data: tests only).
// Thread-safety: one mutex; each Write/Read is atomic.

#include <map>
#include <set>

#include "common/mutex.h"
#include "store/store.h"

namespace gatehouse::store {

class MemoryStore final : public Store {
 public:
  struct State {
    std::map<std::string, SigningKeyRecord, std::less<>> keys;
    std::map<std::string, SessionRecord, std::less<>> sessions;
    std::map<std::string, UserRecord, std::less<>> users;
    std::map<std::string, RoleRecord, std::less<>> roles;
    std::map<std::string, std::string, std::less<>> bans;  // user -> reason
    std::set<std::pair<std::string, std::string>> grants;  // (user, role)
    std::map<std::string, std::int64_t, std::less<>> claims_versions;
    std::map<std::string, RefreshTokenRecord, std::less<>> tokens;
    std::vector<EventRecord> events;
    std::int64_t last_event_seq = 0;
    std::vector<AuditRecord> audit;
    std::map<std::string, ThrottleRecord, std::less<>> throttles;
    std::map<std::string, OneTimeTokenRecord, std::less<>> one_time_tokens;
    std::set<std::pair<std::string, std::string>> verified_emails;  // (user, email)
    std::map<std::string, FaceAppRecord, std::less<>> face_apps;
  };

  Status Ping() override { return OkStatus(); }
  Status Write(std::function<Status(Tx&)> fn) override;
  Status Read(std::function<Status(Tx&)> fn) override;

  Result<std::vector<SigningKeyRecord>> ListSigningKeys() override;

  Result<std::vector<EventRecord>> ReadEvents(std::int64_t after, int limit) override;
  Result<std::int64_t> LastEventSeq() override;
  Result<std::int64_t> FirstEventSeq() override;
  Result<int> PruneEvents(std::int64_t before_at, int limit) override;
  Result<std::vector<AuditRecord>> ListAudit(std::string_view user_id, std::int64_t before,
                                             int limit) override;
  Result<int> DeleteDeadSessions(std::int64_t now, std::int64_t revoked_before, int limit) override;
  Result<StoreStats> Stats() override;

  void SetCommitListener(CommitListener listener) override { listener_ = std::move(listener); }

  // A copy of everything, for tests that check invariants.
  State Snapshot();

 private:
  Mutex mu_;
  State state_ GUARDED_BY(mu_);
  CommitListener listener_;
};

}  // namespace gatehouse::store
