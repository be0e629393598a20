#pragma once
// RandomSource: the only way Gatehouse code gets random bytes.
//
// The real source is OpenSSL's CSPRNG (crypto/csprng_random.h), created only by the composition
// root. Tests use SeededRandom below, which is deterministic and NOT cryptographically secure.
//
// Thread-safety: implementations are safe to call from any thread.

#include <cstdint>
#include <span>
#include <string>

#include "common/mutex.h"

namespace gatehouse {

class RandomSource {
 public:
  virtual ~RandomSource() = default;
  // Fills `out` with random bytes.
  virtual void Fill(std::span<std::uint8_t> out) = 0;

  std::string Bytes(std::size_t n) {
    std::string s(n, '\0');
    Fill({reinterpret_cast<std::uint8_t*>(s.data()), n});
    return s;
  }
  // Uniform in [0, bound); bound > 0.
  std::uint64_t Uniform(std::uint64_t bound);
};

// Deterministic, seeded generator (splitmix64) for tests and benchmarks only.
class SeededRandom final : public RandomSource {
 public:
  explicit SeededRandom(std::uint64_t seed) : state_(seed) {}
  void Fill(std::span<std::uint8_t> out) override;

 private:
  Mutex mu_;
  std::uint64_t state_ GUARDED_BY(mu_);
};

}  // namespace gatehouse
