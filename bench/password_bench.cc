// The ceiling of sign-in: raw Argon2id verification at the server's default parameters
// (ARGON2_MEMORY_KIB=19456, ARGON2_ITERATIONS=2), on one and on two threads. The HTTP sign-in
// rate (scripts/load_bench.py --identity) is compared against the two-thread figure.
#include <benchmark/benchmark.h>

#include "common/random.h"
#include "crypto/argon2.h"

namespace gatehouse {
namespace {

const std::string& Phc() {
  static const std::string* phc = [] {
    SeededRandom random(9);
    return new std::string(
        crypto::Argon2idHash("correct horse battery", crypto::Argon2Params{}, random).value());
  }();
  return *phc;
}

void BM_Argon2idVerify(benchmark::State& state) {
  const std::string& phc = Phc();
  for (auto _ : state) {
    if (!crypto::Argon2idVerify(phc, "correct horse battery")) state.SkipWithError("verify");
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_Argon2idVerify)->UseRealTime()->Threads(1)->Threads(2);

}  // namespace
}  // namespace gatehouse

BENCHMARK_MAIN();
