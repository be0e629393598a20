#pragma once
// Answer: runs a handler body returning Result<Response> and turns an error into its JSON
// error response (with Retry-After when the error carries `retry_after`).

#include "http/response.h"

namespace gatehouse::http {

template <typename Fn>
Response Answer(Fn&& fn) {
  Result<Response> r = fn();
  return r ? std::move(r).value() : ErrorResponse(r.error());
}

}  // namespace gatehouse::http
