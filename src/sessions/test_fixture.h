#pragma once
// A SessionService wired to a MemoryStore, FakeClock and SeededRandom, for unit tests, with the
// revocation feed on the same store (as in the server: the feed is the state's only writer).

#include <memory>

#include "common/fake_clock.h"
#include "revocation/feed/feed.h"
#include "sessions/session_service.h"
#include "store/memory/memory_store.h"

namespace gatehouse::sessions::testing {

class ServiceFixture {
 public:
  // `store`: the service's store (default: the fixture's MemoryStore). `feed_store`: where the
  // feed reads and listens (default: `store`), e.g. the store under a fault-injecting one.
  explicit ServiceFixture(SessionPolicy policy = {}, store::Store* store = nullptr,
                          store::Store* feed_store = nullptr)
      : store_(store != nullptr ? store : &memory_),
        ring_(std::make_shared<tokens::KeyRing>(tokens::KeyRing::Options{})),
        verifier_(
            [this] { return std::make_shared<const tokens::VerifyKeys>(ring_->VerifyKeys()); },
            {.issuer = "https://gh.test"}),
        revocations_(policy.MaxAccessTokenLifetime()),
        feed_(feed_store != nullptr ? *feed_store : *store_, revocations_, clock_,
              {.token_lifetime = policy.MaxAccessTokenLifetime(), .poll = Millis(0)}),
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
    Status started = feed_.Start();
    if (!started) std::abort();
  }

  std::shared_ptr<const tokens::KeyRing> Ring() const { return ring_; }
  SessionService& service() { return service_; }
  FakeClock& clock() { return clock_; }
  store::MemoryStore& memory() { return memory_; }
  store::Store& store() { return *store_; }
  const revocation::RevocationState& revocations() const { return revocations_; }
  revocation::Feed& feed() { return feed_; }
  // Applies an event as the feed would, without a store write: for benchmarks that churn the
  // state faster than a store could commit.
  void ApplyEvent(const revocation::Event& event) { revocations_.Apply(event); }

 private:
  FakeClock clock_;
  SeededRandom random_{77};
  store::MemoryStore memory_;
  store::Store* store_;
  std::shared_ptr<tokens::KeyRing> ring_;
  tokens::TokenVerifier verifier_;
  revocation::RevocationState revocations_;
  revocation::Feed feed_;
  StoreClaimsSource claims_;
  SessionService service_;
};

}  // namespace gatehouse::sessions::testing
