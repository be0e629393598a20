// Verify cost with the revocation and claims-version checks on (`local`) beside `stateless`,
// on a token already in the verified-token cache (the common case for a live token). DESIGN.md:
// the checks must cost no more than 10 % over stateless. scripts/bench_report.py prints the
// ratio.
#include <benchmark/benchmark.h>

#include "sessions/test_fixture.h"

namespace gatehouse {
namespace {

struct Fixture {
  sessions::testing::ServiceFixture f;
  std::string token;
  Fixture() {
    token = f.service().Create({.user_id = "bench-user"}).value().access_token;
    // A realistic state: many revoked sessions and changed users that are not this one.
    for (int i = 0; i < 10'000; ++i) {
      f.ApplyEvent(
          revocation::SessionRevoked("handle-" + std::to_string(i), "someone", f.clock().Now()));
      f.ApplyEvent(revocation::ClaimsChanged("user-" + std::to_string(i), 3, f.clock().Now()));
    }
  }
};

Fixture& GetFixture() {
  static auto* fixture = new Fixture();
  return *fixture;
}

void BM_Verify(benchmark::State& state, sessions::VerifyMode mode) {
  Fixture& fx = GetFixture();
  for (auto _ : state) {
    auto r = fx.f.service().Verify(fx.token, mode);
    if (!r) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}
// `local` while other sessions are being revoked: one revocation every 100 verifies, so the memo
// misses often and the full check runs (heavier churn than any real deployment sees).
void BM_VerifyLocalUnderChurn(benchmark::State& state) {
  Fixture& fx = GetFixture();
  std::uint64_t n = 0;
  for (auto _ : state) {
    if (++n % 100 == 0) {
      fx.f.ApplyEvent(
          revocation::SessionRevoked("churn-" + std::to_string(n), "someone", fx.f.clock().Now()));
    }
    auto r = fx.f.service().Verify(fx.token, sessions::VerifyMode::kLocal);
    if (!r) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(r);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(BM_Verify, stateless, sessions::VerifyMode::kStateless)->UseRealTime();
BENCHMARK_CAPTURE(BM_Verify, local, sessions::VerifyMode::kLocal)->UseRealTime();
BENCHMARK(BM_VerifyLocalUnderChurn)->UseRealTime();

}  // namespace
}  // namespace gatehouse

BENCHMARK_MAIN();
