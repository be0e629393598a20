#pragma once
// Clock: the only way Gatehouse code learns the time.
//
// Services take a `Clock&` in their constructor; pure code takes `now` as a value. Only the
// composition root (src/app) names Clock::Real(). Tests use FakeClock (common/fake_clock.h).
//
// Thread-safety: implementations are safe to call from any thread.

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
