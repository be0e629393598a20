#include "http/response.h"

#include <spdlog/spdlog.h>

#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "http/error_mapping.h"

namespace gatehouse::http {

Response JsonResponse(int status, const boost::json::value& body) {
  Response response;
  response.status = status;
  response.body = boost::json::serialize(body);
  return response;
}

Response TextResponse(int status, std::string body, std::string content_type) {
  Response response;
  response.status = status;
  response.content_type = std::move(content_type);
  response.body = std::move(body);
  return response;
}

Response ErrorResponse(const Error& error) {
  HttpError mapped = MapError(error);
  boost::json::object body;
  body["error"] = mapped.code;
  if (error.code() == ErrorCode::kInternal) {
    // The details stay in the log: they may name files, queries or peers.
    spdlog::error("internal error: {}", error.message());
    body["message"] = "internal error";
    return JsonResponse(mapped.status, body);
  }
  body["message"] = error.message();
  for (const auto& [name, value] : error.fields()) {
    if (name == "error" || name == "message") continue;
    body[name] = value;
  }
  Response response = JsonResponse(mapped.status, body);
  bool retry_after = false;
  for (const auto& [name, value] : error.fields()) {
    if (name != "retry_after") continue;
    response.SetHeader("Retry-After", value);  // 429 and 503 (RFC 9110)
    retry_after = true;
  }
  // Unavailable (a full disk, a store that cannot write) is worth retrying soon.
  if (mapped.status == 503 && !retry_after) response.SetHeader("Retry-After", "1");
  return response;
}

}  // namespace gatehouse::http
