#include "http/handlers/query.h"

#include <charconv>
#include <string>

namespace gatehouse::http {

std::optional<std::int64_t> ParseInteger(std::string_view text, std::int64_t lo, std::int64_t hi) {
  std::int64_t n = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), n);
  if (text.empty() || ec != std::errc() || end != text.data() + text.size() || n < lo || n > hi) {
    return std::nullopt;
  }
  return n;
}

Result<std::int64_t> IntQuery(const Request& req, std::string_view name, std::int64_t fallback,
                              std::int64_t lo, std::int64_t hi) {
  const std::optional<std::string_view> text = req.Query(name);
  if (!text) return fallback;
  if (std::optional<std::int64_t> n = ParseInteger(*text, lo, hi)) return *n;
  return InvalidArgument("'" + std::string(name) + "' must be an integer from " +
                         std::to_string(lo) + " to " + std::to_string(hi));
}

}  // namespace gatehouse::http
