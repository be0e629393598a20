#include "common/clock.h"

namespace gatehouse {
namespace {

class RealClock final : public Clock {
 public:
  SystemTime Now() const override { return std::chrono::system_clock::now(); }
  MonoTime MonotonicNow() const override { return std::chrono::steady_clock::now(); }
};

}  // namespace

Clock& Clock::Real() {
  // Never destroyed: a thread still running while the process exits (a leaked harness's feed,
  // a detached pool) may read the time after static destructors have run.
  static RealClock* clock = new RealClock;
  return *clock;
}

}  // namespace gatehouse
