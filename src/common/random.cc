#include "common/random.h"

#include <cstring>

namespace gatehouse {

std::uint64_t RandomSource::Uniform(std::uint64_t bound) {
  // Rejection sampling keeps the result unbiased.
  const std::uint64_t limit = UINT64_MAX - (UINT64_MAX % bound);
  while (true) {
    std::uint64_t v = 0;
    Fill({reinterpret_cast<std::uint8_t*>(&v), sizeof v});
    if (v < limit) {
      return v % bound;
    }
  }
}

void SeededRandom::Fill(std::span<std::uint8_t> out) {
  MutexLock lock(mu_);
  std::size_t i = 0;
  while (i < out.size()) {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    z ^= z >> 31;
    const std::size_t n = std::min(sizeof z, out.size() - i);
    std::memcpy(out.data() + i, &z, n);
    i += n;
  }
}

}  // namespace gatehouse
