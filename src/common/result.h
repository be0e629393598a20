#pragma once
// Result<T> and Status: how every Gatehouse domain function reports failure.
//
// The names follow std::expected (has_value(), value(), error()) so a later switch to C++23 is
// mechanical. Errors carry one code from the fixed ErrorCode list; the HTTP status and the API
// error string come from one mapping function (http/error_mapping.h), never from call sites.
//
//   Result<Session> s = store.GetSession(handle);
//   if (!s) return s.error();
//   Use(s.value());
//
// Thread-safety: value types; no shared state.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <variant>
#include <vector>

namespace gatehouse {

// The canonical error codes (a subset of Abseil's). Use kUnauthenticated when the caller cannot be
// identified and kPermissionDenied when it can but may not do this.
enum class ErrorCode : std::uint8_t {
  kInvalidArgument,
  kUnauthenticated,
  kPermissionDenied,
  kNotFound,
  kAlreadyExists,
  kFailedPrecondition,
  kResourceExhausted,
  kUnavailable,
  kInternal,
};

std::string_view ErrorCodeName(ErrorCode code);

// An error: a code, a human message and, where the API distinguishes finer cases of one code
// (`try_refresh_token` vs `unauthorised`), a stable reason string from the API's error table.
// `fields` are extra members for the JSON error body (e.g. `session_handle` on theft).
class Error {
 public:
  Error(ErrorCode code, std::string message, std::string_view reason = {})
      : code_(code), message_(std::move(message)), reason_(reason) {}

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Empty unless the API error code differs from the code's default.
  std::string_view reason() const { return reason_; }
  const std::vector<std::pair<std::string, std::string>>& fields() const { return fields_; }

  Error& WithField(std::string name, std::string value) {
    fields_.emplace_back(std::move(name), std::move(value));
    return *this;
  }

 private:
  ErrorCode code_;
  std::string message_;
  std::string_view reason_;  // always a string literal
  std::vector<std::pair<std::string, std::string>> fields_;
};

// Stable API error codes that refine an ErrorCode (API.md error table). The HTTP mapping
// (http/error_mapping.h) turns a reason into its status and `error` string.
namespace reason {
inline constexpr std::string_view kTryRefreshToken = "try_refresh_token";
inline constexpr std::string_view kTokenTheftDetected = "token_theft_detected";
inline constexpr std::string_view kPayloadTooLarge = "payload_too_large";
inline constexpr std::string_view kUnsupportedMediaType = "unsupported_media_type";
inline constexpr std::string_view kUserBanned = "user_banned";
}  // namespace reason

// Shorthands that read like the code they build.
inline Error InvalidArgument(std::string m) { return {ErrorCode::kInvalidArgument, std::move(m)}; }
inline Error Unauthenticated(std::string m, std::string_view reason = {}) {
  return {ErrorCode::kUnauthenticated, std::move(m), reason};
}
inline Error PermissionDenied(std::string m) {
  return {ErrorCode::kPermissionDenied, std::move(m)};
}
inline Error NotFound(std::string m) { return {ErrorCode::kNotFound, std::move(m)}; }
inline Error AlreadyExists(std::string m) { return {ErrorCode::kAlreadyExists, std::move(m)}; }
inline Error FailedPrecondition(std::string m, std::string_view reason = {}) {
  return {ErrorCode::kFailedPrecondition, std::move(m), reason};
}
inline Error ResourceExhausted(std::string m, std::string_view reason = {}) {
  return {ErrorCode::kResourceExhausted, std::move(m), reason};
}
inline Error Unavailable(std::string m) { return {ErrorCode::kUnavailable, std::move(m)}; }
inline Error Internal(std::string m) { return {ErrorCode::kInternal, std::move(m)}; }

template <typename T>
class [[nodiscard]] Result {
 public:
  using value_type = T;

  Result(const T& value) : state_(std::in_place_index<0>, value) {}  // NOLINT: implicit by design
  Result(T&& value) : state_(std::in_place_index<0>, std::move(value)) {}    // NOLINT
  Result(Error error) : state_(std::in_place_index<1>, std::move(error)) {}  // NOLINT
  // Implicit conversions are the point of this type (`return value;`, `return error;`).
  // NOLINTBEGIN(google-explicit-constructor,bugprone-forwarding-reference-overload)
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, T> &&
           !std::is_same_v<std::decay_t<U>, Error> && !std::is_same_v<std::decay_t<U>, Result>)
      Result(U&& value)
      : state_(std::in_place_index<0>, std::forward<U>(value)) {}
  // NOLINTEND(google-explicit-constructor,bugprone-forwarding-reference-overload)

  bool has_value() const { return state_.index() == 0; }
  explicit operator bool() const { return has_value(); }

  T& value() & { return std::get<0>(state_); }
  const T& value() const& { return std::get<0>(state_); }
  T&& value() && { return std::get<0>(std::move(state_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

  const Error& error() const& { return std::get<1>(state_); }
  Error&& error() && { return std::get<1>(std::move(state_)); }
  // Drops the value: OK, or a copy of the error.
  Result<void> status() const;

 private:
  std::variant<T, Error> state_;
};

template <>
class [[nodiscard]] Result<void> {
 public:
  Result() = default;
  Result(Error error) : error_(std::move(error)) {}  // NOLINT: implicit by design

  bool has_value() const { return !error_.has_value(); }
  explicit operator bool() const { return has_value(); }
  bool ok() const { return has_value(); }
  const Error& error() const& { return *error_; }
  Error&& error() && { return std::move(*error_); }

 private:
  std::optional<Error> error_;
};

using Status = Result<void>;

template <typename T>
Result<void> Result<T>::status() const {
  if (has_value()) return {};
  return error();
}

inline Status OkStatus() { return {}; }

}  // namespace gatehouse

// Propagate an error: `GH_RETURN_IF_ERROR(store.Put(x));`
#define GH_RETURN_IF_ERROR(expr) GH_RETURN_IF_ERROR_IMPL_(GH_CONCAT_(gh_status_, __LINE__), expr)
#define GH_RETURN_IF_ERROR_IMPL_(tmp, expr) \
  do {                                      \
    auto tmp = (expr);                      \
    if (!tmp) {                             \
      return std::move(tmp).error();        \
    }                                       \
  } while (false)

#define GH_CONCAT_INNER_(a, b) a##b
#define GH_CONCAT_(a, b) GH_CONCAT_INNER_(a, b)

// Unwrap or propagate: `GH_ASSIGN_OR_RETURN(auto user, store.GetUser(id));`
#define GH_ASSIGN_OR_RETURN(lhs, expr) \
  GH_ASSIGN_OR_RETURN_IMPL_(GH_CONCAT_(gh_result_, __LINE__), lhs, expr)
#define GH_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                              \
  if (!tmp) {                                     \
    return std::move(tmp).error();                \
  }                                               \
  lhs = std::move(tmp).value()
