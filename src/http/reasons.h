#pragma once
// API error codes that only the HTTP layer produces: protocol failures rather than domain errors,
// so they live here and not in common/result.h. http/error_mapping.cc gives them their statuses.
//
//   return ErrorResponse(Error(ErrorCode::kInvalidArgument, "too many headers",
//                              kReasonHeaderFieldsTooLarge));
//
// Thread-safety: constants.

#include <string_view>

namespace gatehouse::http {

inline constexpr std::string_view kReasonMethodNotAllowed = "method_not_allowed";  // 405
inline constexpr std::string_view kReasonHeaderFieldsTooLarge =
    "request_header_fields_too_large";  // 431

}  // namespace gatehouse::http
