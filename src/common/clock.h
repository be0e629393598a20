#pragma once
// Clock: the only way Gatehouse code learns the time.
//
// Services take a `Clock&` in their constructor; pure code takes `now` as a value. Only the
// composition root (src/app) names Clock::Real(). Tests use FakeClock (common/fake_clock.h).
//
// Thread-safety: implementations are safe to call from any thread.

#include <atomic>
#include <chrono>
#include <cstdint>

namespace gatehouse {

using SystemTime = std::chrono::system_clock::time_point;
using MonoTime = std::chrono::steady_clock::time_point;
using Millis = std::chrono::milliseconds;

class Clock {
 public:
  virtual ~Clock() = default;
  // Wall time: token iat/exp, session expiry, event timestamps.
  virtual SystemTime Now() const = 0;
  // Monotonic time: timeouts, intervals, cache ages.
  virtual MonoTime MonotonicNow() const = 0;

  // The process-wide real clock.
  static Clock& Real();
};

// A clock that runs `offset` ahead of another, moved only forward: the server's clock, so that
// integration tests started with TEST_CLOCK can make time pass without waiting for it.
class OffsetClock final : public Clock {
 public:
  explicit OffsetClock(Clock& base) : base_(base) {}
  SystemTime Now() const override { return base_.Now() + Offset(); }
  MonoTime MonotonicNow() const override { return base_.MonotonicNow() + Offset(); }
  // Moves time forward by `d` (negative values are ignored: time never runs back).
  void Advance(Millis d) {
    if (d.count() > 0) offset_ms_.fetch_add(d.count(), std::memory_order_relaxed);
  }

 private:
  Millis Offset() const { return Millis(offset_ms_.load(std::memory_order_relaxed)); }
  Clock& base_;
  std::atomic<std::int64_t> offset_ms_{0};
};

// Milliseconds since the epoch, the API's unit of time.
inline std::int64_t ToUnixMillis(SystemTime t) {
  return std::chrono::duration_cast<Millis>(t.time_since_epoch()).count();
}
inline std::int64_t ToUnixSeconds(SystemTime t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
inline SystemTime FromUnixMillis(std::int64_t ms) { return SystemTime(Millis(ms)); }
inline SystemTime FromUnixSeconds(std::int64_t s) { return SystemTime(std::chrono::seconds(s)); }

}  // namespace gatehouse
