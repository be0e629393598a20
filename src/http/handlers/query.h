#pragma once
// Integer query parameters (and header values read the same way), strictly: decimal digits
// only, the whole text, within a range; anything else is a 400 naming the parameter.
//
//   GH_ASSIGN_OR_RETURN(std::int64_t limit, IntQuery(req, "limit", 100, 1, 1000));
//
// Thread-safety: stateless functions.

#include <cstdint>
#include <optional>
#include <string_view>

#include "common/result.h"
#include "http/request.h"

namespace gatehouse::http {

// `text` as an integer in [lo, hi], or nullopt.
std::optional<std::int64_t> ParseInteger(std::string_view text, std::int64_t lo, std::int64_t hi);

// The query parameter `name` in [lo, hi]; `fallback` when absent.
Result<std::int64_t> IntQuery(const Request& req, std::string_view name, std::int64_t fallback,
                              std::int64_t lo, std::int64_t hi);

}  // namespace gatehouse::http
