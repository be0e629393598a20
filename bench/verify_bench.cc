// Verify cost with the revocation and claims-version checks on (`local`) beside `stateless`,
// on a token already in the verified-token cache (the common case for a live token). DESIGN.md:
// the checks must cost no more than 10 % over stateless. scripts/bench_report.py prints the
// ratio.
#include <benchmark/benchmark.h>
#include <sys/mman.h>

#include <algorithm>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <map>
#include <string>
#include <thread>
#include <utility>
#include <vector>

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

// `local` verify round robin over N distinct live tokens, every one already verified once (so in
// the cache), as an application with N users active within one token lifetime sees it. The
// tokens are signed with the service's key for sessions the (memory) store does not hold, which
// `local` verification never reads; signing and the warm-up run on every core. Target (issue
// "Scale and faults"): at 10^6 >= 0.8 x at 10^3.
class LiveTokens {
 public:
  explicit LiveTokens(std::size_t n) {
    const auto now = f_.clock().Now();
    const int threads = std::max(1, static_cast<int>(std::thread::hardware_concurrency()));
    tokens_.resize(n);
    RunOnEveryCore(threads, [&](int t) {
      for (std::size_t i = static_cast<std::size_t>(t); i < n; i += threads) {
        tokens::AccessTokenSpec spec{.user_id = "user-" + std::to_string(i % 100'000),
                                     .session_handle = "live-" + std::to_string(i),
                                     .roles = {"member"},
                                     .issued_at = now,
                                     .expires_at = now + std::chrono::minutes(10)};
        tokens_[i] =
            tokens::IssueAccessToken(spec, *f_.Ring()->Signer(), "https://gh.test").value();
        if (!f_.service().Verify(tokens_[i], sessions::VerifyMode::kLocal)) std::abort();
      }
    });
  }
  sessions::SessionService& service() { return f_.service(); }
  const std::string& operator[](std::size_t i) const { return tokens_[i]; }
  std::size_t size() const { return tokens_.size(); }

 private:
  static void RunOnEveryCore(int threads, const std::function<void(int)>& work) {
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) pool.emplace_back(work, t);
    for (std::thread& thread : pool) thread.join();
  }
  sessions::testing::ServiceFixture f_;
  std::vector<std::string> tokens_;
};

void BM_VerifyLive(benchmark::State& state) {
  static std::map<std::int64_t, LiveTokens*> sets;
  LiveTokens*& set = sets[state.range(0)];
  if (set == nullptr) set = new LiveTokens(static_cast<std::size_t>(state.range(0)));
  std::size_t i = 0;
  for (auto _ : state) {
    auto r = set->service().Verify((*set)[i], sessions::VerifyMode::kLocal);
    if (!r) state.SkipWithError("verify failed");
    benchmark::DoNotOptimize(r);
    if (++i == set->size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}

// The floor under BM_VerifyLive's ratio: one read of per-token memory that the next verify
// cannot overlap. N entries of 768 bytes (what one cached token takes with its slot,
// docs/benchmarks.md), on huge pages (the best case for the TLB), visited in a random cycle in
// which each read yields the next address, as one verify's lookup must finish before the caller
// sends the next: at 10^3 the entries sit in the CPU caches, at 10^6 (0.7 GiB) each read goes to
// DRAM. Any cache layout with per-token state pays at least this difference once per verify, so
// the best 10^6 / 10^3 ratio of BM_VerifyLive is
//   t(10^3) / (t(10^3) + floor(10^6) - floor(10^3)).
void BM_MemoryFloor(benchmark::State& state) {
  constexpr std::size_t kEntryBytes = 768;
  constexpr std::size_t kHugePage = std::size_t{2} << 20;
  const auto n = static_cast<std::size_t>(state.range(0));
  static std::map<std::size_t, char*> sets;
  char*& entries = sets[n];
  if (entries == nullptr) {
    const std::size_t bytes = (n * kEntryBytes + kHugePage - 1) / kHugePage * kHugePage;
    entries = static_cast<char*>(std::aligned_alloc(kHugePage, bytes));
    (void)madvise(entries, bytes, MADV_HUGEPAGE);
    std::vector<std::size_t> order(n);
    for (std::size_t i = 0; i < n; ++i) order[i] = i;
    std::uint64_t x = 88172645463325252ULL;  // xorshift: a fixed shuffle
    for (std::size_t i = n - 1; i > 0; --i) {
      x ^= x << 13, x ^= x >> 7, x ^= x << 17;
      std::swap(order[i], order[x % (i + 1)]);
    }
    for (std::size_t i = 0; i < n; ++i) {  // each entry names the next one of the cycle
      const std::size_t next = order[(i + 1) % n] * kEntryBytes;
      std::memcpy(entries + order[i] * kEntryBytes, &next, sizeof next);
    }
  }
  std::size_t at = 0;
  for (auto _ : state) {
    std::memcpy(&at, entries + at, sizeof at);
    benchmark::DoNotOptimize(at);
  }
  state.SetItemsProcessed(state.iterations());
}

BENCHMARK_CAPTURE(BM_Verify, stateless, sessions::VerifyMode::kStateless)->UseRealTime();
BENCHMARK_CAPTURE(BM_Verify, local, sessions::VerifyMode::kLocal)->UseRealTime();
BENCHMARK(BM_VerifyLocalUnderChurn)->UseRealTime();
BENCHMARK(BM_VerifyLive)->Arg(1'000)->Arg(100'000)->Arg(1'000'000)->UseRealTime();
BENCHMARK(BM_MemoryFloor)->Arg(1'000)->Arg(1'000'000)->UseRealTime();

}  // namespace
}  // namespace gatehouse

BENCHMARK_MAIN();
