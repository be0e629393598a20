#include "http/handlers/json_body.h"

#include <algorithm>

#include "common/json.h"

namespace gatehouse::http {
namespace {

Error WrongType(std::string_view name, std::string_view expected) {
  return InvalidArgument("'" + std::string(name) + "' must be " + std::string(expected));
}

std::string Lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

}  // namespace

bool IsJsonContentType(const Request& request) {
  const auto type = request.Header("content-type");
  if (!type) return false;
  std::string value = Lower(*type);
  value = value.substr(0, value.find(';'));
  while (!value.empty() && value.back() == ' ') value.pop_back();
  return value == "application/json";
}

Result<JsonBody> JsonBody::Parse(const Request& request,
                                 std::initializer_list<std::string_view> allowed, bool empty_ok) {
  if (request.body.empty() && empty_ok) return JsonBody(boost::json::object{});
  if (!IsJsonContentType(request)) {
    return Error(ErrorCode::kInvalidArgument, "the body must be application/json",
                 reason::kUnsupportedMediaType);
  }
  GH_ASSIGN_OR_RETURN(boost::json::value value, json::ParseStrict(request.body));
  if (!value.is_object()) return InvalidArgument("the body must be a JSON object");
  for (const auto& [key, member] : value.as_object()) {
    if (std::find(allowed.begin(), allowed.end(), std::string_view(key)) == allowed.end()) {
      return InvalidArgument("unknown field '" + std::string(key) + "'");
    }
  }
  return JsonBody(std::move(value.as_object()));
}

Result<JsonBody> JsonBody::ParseAnyObject(const Request& request) {
  if (!IsJsonContentType(request)) {
    return Error(ErrorCode::kInvalidArgument, "the body must be application/json",
                 reason::kUnsupportedMediaType);
  }
  GH_ASSIGN_OR_RETURN(boost::json::value value, json::ParseStrict(request.body));
  if (!value.is_object()) return InvalidArgument("the body must be a JSON object");
  return JsonBody(std::move(value.as_object()));
}

Result<std::string> JsonBody::RequiredString(std::string_view name, std::size_t max_bytes) const {
  GH_ASSIGN_OR_RETURN(std::optional<std::string> value, OptionalString(name, max_bytes));
  if (!value) return InvalidArgument("'" + std::string(name) + "' is required");
  return std::move(*value);
}

Result<std::optional<std::string>> JsonBody::OptionalString(std::string_view name,
                                                            std::size_t max_bytes) const {
  const boost::json::value* v = object_.if_contains(name);
  if (v == nullptr || v->is_null()) return std::optional<std::string>();
  if (!v->is_string()) return WrongType(name, "a string");
  if (v->as_string().size() > max_bytes) {
    return InvalidArgument("'" + std::string(name) + "' is longer than " +
                           std::to_string(max_bytes) + " bytes");
  }
  return std::optional<std::string>(std::string(v->as_string()));
}

Result<std::optional<boost::json::object>> JsonBody::OptionalObject(std::string_view name) const {
  const boost::json::value* v = object_.if_contains(name);
  if (v == nullptr || v->is_null()) return std::optional<boost::json::object>();
  if (!v->is_object()) return WrongType(name, "an object");
  return std::optional<boost::json::object>(v->as_object());
}

Result<std::int64_t> JsonBody::RequiredInt(std::string_view name, std::int64_t lo,
                                           std::int64_t hi) const {
  const boost::json::value* v = object_.if_contains(name);
  if (v == nullptr) return InvalidArgument("'" + std::string(name) + "' is required");
  const std::string range = "an integer from " + std::to_string(lo) + " to " + std::to_string(hi);
  if (!v->is_int64()) return WrongType(name, range);
  if (v->as_int64() < lo || v->as_int64() > hi) return WrongType(name, range);
  return v->as_int64();
}

Result<std::optional<bool>> JsonBody::OptionalBool(std::string_view name) const {
  const boost::json::value* v = object_.if_contains(name);
  if (v == nullptr || v->is_null()) return std::optional<bool>();
  if (!v->is_bool()) return WrongType(name, "true or false");
  return std::optional<bool>(v->as_bool());
}

}  // namespace gatehouse::http
