#pragma once
// CsprngRandom: the real RandomSource, OpenSSL's CSPRNG (RAND_bytes).
//
// Created only by the composition root (src/app) and by tools; everything else takes a
// RandomSource&. Aborts the process if the CSPRNG fails: continuing without randomness would
// issue guessable secrets.
//
// Thread-safety: safe to call from any thread.

#include "common/random.h"

namespace gatehouse::crypto {

class CsprngRandom final : public RandomSource {
 public:
  void Fill(std::span<std::uint8_t> out) override;
};

}  // namespace gatehouse::crypto
