#pragma once
// FaultInjectingStore: a Store decorator for tests that fails the Nth call with kUnavailable.
//
// Every Store method and every Tx method counts as one call. With FailAt(n) the n-th call from
// then on fails (once); a loop over n walks a scenario through every error path of a service.
//
// Ownership: borrows the inner store. Thread-safety: as the inner store; the counter is atomic.

#include <atomic>

#include "store/store.h"

namespace gatehouse::store {

class FaultInjectingStore final : public Store {
 public:
  explicit FaultInjectingStore(Store& inner) : inner_(inner) {}

  // Fails the n-th call from now (1 = the next call); 0 disables.
  void FailAt(int n) {
    calls_ = 0;
    fail_at_ = n;
  }
  int calls() const { return calls_; }
  // True (once) when this call is the one to fail.
  bool Trip() { return ++calls_ == fail_at_.load(); }

  Status Ping() override { return Trip() ? Injected() : inner_.Ping(); }
  Status Write(std::function<Status(Tx&)> fn) override;
  Status Read(std::function<Status(Tx&)> fn) override;
  Result<std::vector<SigningKeyRecord>> ListSigningKeys() override {
    if (Trip()) return Injected();
    return inner_.ListSigningKeys();
  }
  Result<std::vector<EventRecord>> ReadEvents(std::int64_t after, int limit) override {
    if (Trip()) return Injected();
    return inner_.ReadEvents(after, limit);
  }
  Result<std::int64_t> LastEventSeq() override {
    if (Trip()) return Injected();
    return inner_.LastEventSeq();
  }
  Result<std::int64_t> FirstEventSeq() override {
    if (Trip()) return Injected();
    return inner_.FirstEventSeq();
  }
  Result<int> PruneEvents(std::int64_t before_at, int limit) override {
    if (Trip()) return Injected();
    return inner_.PruneEvents(before_at, limit);
  }
  Result<std::vector<AuditRecord>> ListAudit(std::string_view user_id, std::int64_t before,
                                             int limit) override {
    if (Trip()) return Injected();
    return inner_.ListAudit(user_id, before, limit);
  }
  Result<int> DeleteDeadSessions(std::int64_t now, std::int64_t revoked_before,
                                 int limit) override {
    if (Trip()) return Injected();
    return inner_.DeleteDeadSessions(now, revoked_before, limit);
  }
  Result<StoreStats> Stats() override {
    if (Trip()) return Injected();
    return inner_.Stats();
  }

  void SetForeignCommitListener(ForeignCommitListener listener) override {
    inner_.SetForeignCommitListener(std::move(listener));
  }
  void SetCommitListener(CommitListener listener) override {
    inner_.SetCommitListener(std::move(listener));
  }

  static Error Injected() { return Unavailable("injected store fault"); }

 private:
  Store& inner_;
  std::atomic<int> calls_{0};
  std::atomic<int> fail_at_{0};
};

}  // namespace gatehouse::store
