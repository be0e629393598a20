#pragma once
// Strict JSON parsing for untrusted input (request bodies, JWT headers and claims).
//
// On top of RFC 8259 (which Boost.JSON enforces, invalid UTF-8 included) it rejects duplicate
// object members at any depth and nesting deeper than `max_depth`, so `{"a":1,"a":2}` can never
// be read two ways by two parsers, and numbers too large for a double (`1e309`), which would
// become infinity and could not be written back as JSON.
//
//   GH_ASSIGN_OR_RETURN(boost::json::value body, json::ParseStrict(text));
//
// Thread-safety: stateless functions.

#include <boost/json/value.hpp>
#include <string_view>

#include "common/result.h"

namespace gatehouse::json {

inline constexpr std::size_t kDefaultMaxDepth = 32;

// Parses exactly one JSON value spanning all of `text`. Errors are kInvalidArgument with a
// message naming what was wrong (never echoing the input).
Result<boost::json::value> ParseStrict(std::string_view text,
                                       std::size_t max_depth = kDefaultMaxDepth);

}  // namespace gatehouse::json
