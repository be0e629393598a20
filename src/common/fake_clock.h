#pragma once
// FakeClock: a Clock that moves only when a test tells it to.
//
// Wall and monotonic time advance together. Starts at 2026-01-01T00:00:00Z unless set.
// Thread-safety: all methods are safe to call concurrently.

#include <atomic>

#include "common/clock.h"

namespace gatehouse {

class FakeClock final : public Clock {
 public:
  FakeClock() : FakeClock(FromUnixSeconds(1767225600)) {}
  explicit FakeClock(SystemTime start)
      : wall_ns_(std::chrono::duration_cast<std::chrono::nanoseconds>(start.time_since_epoch())
                     .count()) {}

  SystemTime Now() const override {
    return SystemTime(std::chrono::duration_cast<SystemTime::duration>(
        std::chrono::nanoseconds(wall_ns_.load())));
  }
  MonoTime MonotonicNow() const override {
    return MonoTime(std::chrono::nanoseconds(mono_ns_.load()));
  }

  void Advance(std::chrono::nanoseconds d) {
    wall_ns_ += d.count();
    mono_ns_ += d.count();
  }
  void Set(SystemTime t) {
    wall_ns_ = std::chrono::duration_cast<std::chrono::nanoseconds>(t.time_since_epoch()).count();
  }

 private:
  std::atomic<std::int64_t> wall_ns_;
  std::atomic<std::int64_t> mono_ns_{1'000'000'000'000};
};

}  // namespace gatehouse
