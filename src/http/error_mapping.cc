#include "http/error_mapping.h"

#include "http/reasons.h"

namespace gatehouse::http {
namespace {

// Reasons whose status differs from their code's default (API.md error table).
constexpr HttpError kReasonStatuses[] = {
    {401, reason::kTryRefreshToken},      {401, reason::kTokenTheftDetected},
    {405, kReasonMethodNotAllowed},       {413, reason::kPayloadTooLarge},
    {415, reason::kUnsupportedMediaType}, {423, reason::kUserBanned},
    {431, kReasonHeaderFieldsTooLarge},
};

HttpError MapCode(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return {400, "bad_request"};
    case ErrorCode::kUnauthenticated:
      return {401, "unauthorised"};
    case ErrorCode::kPermissionDenied:
      return {403, "forbidden"};
    case ErrorCode::kNotFound:
      return {404, "not_found"};
    case ErrorCode::kAlreadyExists:
    case ErrorCode::kFailedPrecondition:
      return {409, "conflict"};
    case ErrorCode::kResourceExhausted:
      return {429, "rate_limited"};
    case ErrorCode::kUnavailable:
      return {503, "unavailable"};
    case ErrorCode::kInternal:
      return {500, "internal"};
  }
  return {500, "internal"};
}

}  // namespace

HttpError MapError(const Error& error) {
  HttpError mapped = MapCode(error.code());
  // Internal errors never expose a finer reason: the client learns only that it failed.
  if (error.reason().empty() || error.code() == ErrorCode::kInternal) return mapped;
  for (const HttpError& known : kReasonStatuses) {
    if (known.code == error.reason()) return known;
  }
  // A reason without a status of its own refines the code's error string, keeping its status.
  mapped.code = error.reason();
  return mapped;
}

}  // namespace gatehouse::http
