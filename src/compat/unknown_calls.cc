#include "compat/unknown_calls.h"

namespace gatehouse::compat {

bool UnknownCalls::IsCdiPath(std::string_view path) {
  return path.find("/recipe/") != std::string_view::npos || path.starts_with("/appid-") ||
         path == "/user" || path.starts_with("/user/") || path == "/users" ||
         path.starts_with("/users/") || path.starts_with("/ee/");
}

std::string UnknownCalls::Note(const http::Request& request) {
  if (!IsCdiPath(request.path)) return {};
  const std::int64_t now = ToUnixMillis(clock_.Now());
  std::int64_t last = last_ms_.load(std::memory_order_relaxed);
  if (now - last < 1000 || !last_ms_.compare_exchange_strong(last, now)) {
    passed_over_.fetch_add(1, std::memory_order_relaxed);
    return {};
  }
  std::string path(request.path.substr(0, 200));
  for (char& c : path) {
    if (c < 0x20 || c > 0x7E) c = '?';
  }
  std::string line = "SuperTokens face: no route for " +
                     std::string(http::MethodName(request.method)) + " " + path +
                     " (a call this face does not serve)";
  if (const std::int64_t skipped = passed_over_.exchange(0); skipped > 0) {
    line += "; " + std::to_string(skipped) + " more since the last line";
  }
  return line;
}

}  // namespace gatehouse::compat
