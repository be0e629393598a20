#pragma once
// A SessionService wired to a MemoryStore, FakeClock and SeededRandom, for unit tests.

#include <memory>

#include "common/fake_clock.h"
#include "sessions/session_service.h"
#include "store/memory/memory_store.h"

namespace gatehouse::sessions::testing {

class ServiceFixture {
 public:
  explicit ServiceFixture(SessionPolicy policy = {}, store::Store* store = nullptr)
      : store_(store != nullptr ? store : &memory_),
        ring_(std::make_shared<tokens::KeyRing>(tokens::KeyRing::Options{})),
        verifier_([this] { return Ring(); }, {.issuer = "https://gh.test"}),
        revocations_(policy.MaxAccessTokenLifetime()),
        service_({.store = *store_,
                  .ring = [this] { return Ring(); },
                  .verifier = verifier_,
                  .revocations = revocations_,
                  .claims = claims_,
                  .clock = clock_,
                  .random = random_,
                  .issuer = "https://gh.test"},
                 policy) {
    (void)ring_->Rotate(clock_.Now(), random_).value();
  }

  std::shared_ptr<const tokens::KeyRing> Ring() const { return ring_; }
  SessionService& service() { return service_; }
  FakeClock& clock() { return clock_; }
  store::MemoryStore& memory() { return memory_; }
  revocation::RevocationState& revocations() { return revocations_; }

 private:
  FakeClock clock_;
  SeededRandom random_{77};
  store::MemoryStore memory_;
  store::Store* store_;
  std::shared_ptr<tokens::KeyRing> ring_;
  tokens::TokenVerifier verifier_;
  revocation::RevocationState revocations_;
  StoreClaimsSource claims_;
  SessionService service_;
};

}  // namespace gatehouse::sessions::testing
