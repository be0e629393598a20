#include "http/handlers/api_auth.h"

#include "crypto/hash.h"

namespace gatehouse::http {

ApiAuth::ApiAuth(std::vector<std::string> api_keys) : keys_(std::move(api_keys)) {}

std::optional<std::string_view> BearerToken(const Request& request) {
  const auto header = request.Header("authorization");
  if (!header) return std::nullopt;
  constexpr std::string_view kScheme = "bearer ";
  if (header->size() <= kScheme.size()) return std::nullopt;
  for (std::size_t i = 0; i < kScheme.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>((*header)[i])) != kScheme[i]) return std::nullopt;
  }
  std::string_view token = header->substr(kScheme.size());
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  if (token.empty()) return std::nullopt;
  return token;
}

bool ApiAuth::Allows(const Request& request) const {
  const auto token = BearerToken(request);
  return token && AllowsKey(*token);
}

bool ApiAuth::AllowsKey(std::string_view presented) const {
  bool allowed = false;
  for (const auto& key : keys_) {
    // Compare with every key (no early exit), each comparison in constant time.
    allowed |= crypto::ConstantTimeEquals(presented, key);
  }
  return allowed;
}

namespace {

// Backend answers carry tokens (create, refresh) or users' data (admin reads): no cache keeps
// them, whoever asked (ASVS 8.1.1).
Response NoStore(Response r) {
  for (const auto& [name, value] : r.headers) {
    if (name == "Cache-Control") return r;
  }
  r.SetHeader("Cache-Control", "no-store");
  return r;
}

}  // namespace

Handler ApiAuth::RequireKey(Handler handler) const {
  return [this, handler = std::move(handler)](Request& request) {
    if (!Allows(request)) {
      return ErrorResponse(Unauthenticated("a valid API key is required"));
    }
    return NoStore(handler(request));
  };
}

Handler ApiAuth::Require(Handler handler) const {
  return [this, handler = std::move(handler)](Request& request) {
    return NoStore(Authorise(handler, request));
  };
}

Response ApiAuth::Authorise(const Handler& handler, Request& request) const {
  if (Allows(request)) return handler(request);
  const AdminCheck check = admin_ ? admin_(request) : AdminCheck{};
  switch (check.result) {
    case Admin::kNoSession:
      if (check.outdated) return ErrorResponse(*check.outdated);
      return ErrorResponse(Unauthenticated("an API key or an admin session is required"));
    case Admin::kNotAdmin:
      return ErrorResponse(PermissionDenied("this needs the permission gatehouse:admin"));
    case Admin::kAdmin:
      break;
  }
  const auto csrf = request.Header("x-gatehouse-csrf");
  if (check.via_cookie && request.method != Method::kGet && !(csrf && *csrf == "1")) {
    return ErrorResponse(PermissionDenied("the X-Gatehouse-CSRF: 1 header is required"));
  }
  request.principal = std::move(check.who);
  return handler(request);
}

}  // namespace gatehouse::http
