#pragma once
// Response: what a handler returns. http/server/server.cc writes it to the wire, adding the headers
// every response carries (X-Content-Type-Options, Referrer-Policy, Content-Length, Connection).
//
//   return JsonResponse(200, {{"status", "ok"}});
//   return ErrorResponse(Unauthenticated("bad token"));
//
// Thread-safety: a plain value.

#include <boost/json/value.hpp>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/result.h"
#include "http/stream.h"

namespace gatehouse::http {

struct Response {
  int status = 200;
  std::string content_type = "application/json";
  std::vector<std::pair<std::string, std::string>> headers;
  std::string body;
  // When set, `body` is written first and then the stream until it ends (chunked).
  std::shared_ptr<ResponseStream> stream;

  Response& SetHeader(std::string name, std::string value) {
    headers.emplace_back(std::move(name), std::move(value));
    return *this;
  }
};

Response JsonResponse(int status, const boost::json::value& body);
Response TextResponse(int status, std::string body, std::string content_type = "text/plain");
// {"error": <api code>, "message": <text>, ...fields}, status from MapError.
Response ErrorResponse(const Error& error);

}  // namespace gatehouse::http
