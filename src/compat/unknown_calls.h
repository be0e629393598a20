#pragma once
// The CDI calls this face does not serve, logged: an SDK that enables a recipe Gatehouse lacks
// (account linking, passwordless, …) sends calls that end in the SDK as thrown errors, and the
// log says which. A request is taken for a CDI call when its path has a `/recipe/` segment or
// starts with `/appid-`, `/user`, `/users` or `/ee/`. At most one line a second (with how many
// were passed over since), the path cut to 200 bytes and every byte outside printable ASCII
// shown as `?`, so a flood cannot fill the log or forge its lines.
//
// Thread-safety: Note is safe to call concurrently (atomics only); it never blocks.

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>

#include "common/clock.h"
#include "http/request.h"

namespace gatehouse::compat {

class UnknownCalls {
 public:
  explicit UnknownCalls(Clock& clock) : clock_(clock) {}

  static bool IsCdiPath(std::string_view path);
  // The log line for `request` if one is due now; empty when it is not a CDI call, or when a
  // line went out less than a second ago (then it is counted).
  std::string Note(const http::Request& request);

 private:
  Clock& clock_;
  std::atomic<std::int64_t> last_ms_{0};
  std::atomic<std::int64_t> passed_over_{0};
};

}  // namespace gatehouse::compat
