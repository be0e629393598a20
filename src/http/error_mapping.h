#pragma once
// The one place an Error becomes an HTTP status and an API error code (API.md error table).
//
// Thread-safety: stateless.

#include <string_view>

#include "common/result.h"

namespace gatehouse::http {

struct HttpError {
  int status;
  std::string_view code;  // "bad_request", "unauthorised", "try_refresh_token", ...
};

HttpError MapError(const Error& error);

}  // namespace gatehouse::http
