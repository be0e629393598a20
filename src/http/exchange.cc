#include "http/exchange.h"

#include <algorithm>
#include <boost/beast/core/string.hpp>
#include <boost/beast/http/error.hpp>
#include <exception>
#include <limits>
#include <string_view>

#include "http/reasons.h"

namespace gatehouse::http {
namespace {

namespace beast = boost::beast;

std::string_view View(beast::string_view s) { return {s.data(), s.size()}; }

bool IsHeaderSafe(std::string_view s) {
  constexpr std::string_view kUnsafe("\r\n\0", 3);
  return s.find_first_of(kUnsafe) == std::string_view::npos;
}

// A handler's response must not smuggle headers (a CR/LF from a user-supplied id) or use a
// status Beast cannot frame.
bool IsWritable(const Response& response) {
  if (response.status < 200 || response.status > 599) return false;
  if (!IsHeaderSafe(response.content_type)) return false;
  return std::all_of(response.headers.begin(), response.headers.end(), [](const auto& header) {
    return !header.first.empty() && IsHeaderSafe(header.first) && IsHeaderSafe(header.second);
  });
}

// The response's own headers, then each default it does not set.
template <class Message>
void SetHeaders(Message& message, const Response& response, const HeaderList& default_headers) {
  for (const auto& [name, value] : response.headers) message.insert(name, value);
  for (const auto& [name, value] : default_headers) {
    if (message.find(name) == message.end()) message.set(name, value);
  }
}

}  // namespace

void LimitParser(RequestParser& parser, const RequestLimits& limits) {
  parser.header_limit(static_cast<std::uint32_t>(
      std::min<std::size_t>(limits.max_header_bytes, std::numeric_limits<std::uint32_t>::max())));
  parser.body_limit(limits.max_body_bytes);
  parser.eager(true);
}

std::optional<Error> ReadFailure(const beast::error_code& ec) {
  if (ec == bhttp::error::body_limit) {
    return Error(ErrorCode::kInvalidArgument, "request body too large", reason::kPayloadTooLarge);
  }
  if (ec == bhttp::error::header_limit) {
    return Error(ErrorCode::kInvalidArgument, "request header too large",
                 kReasonHeaderFieldsTooLarge);
  }
  bool is_http = &ec.category() == &bhttp::make_error_code(bhttp::error::end_of_stream).category();
  if (!is_http || ec == bhttp::error::end_of_stream || ec == bhttp::error::partial_message) {
    return std::nullopt;
  }
  return InvalidArgument("malformed HTTP request: " + ec.message());
}

void DescribeFailedRequest(const RequestParser& parser, Request& request) {
  request.method = Method::kOther;
  if (!parser.is_header_done()) return;
  request.method = ParseMethod(View(parser.get().method_string()));
  request.target = View(parser.get().target());
}

bool FillRequest(bhttp::request<bhttp::string_body>& message, Request& request) {
  request.method = ParseMethod(View(message.method_string()));
  request.target = View(message.target());
  if (!ParseTarget(request.target, request.path, request.query)) return false;
  for (const auto& field : message) {
    std::string name(View(field.name_string()));
    for (char& c : name) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    request.headers.emplace_back(std::move(name), View(field.value()));
  }
  request.body = std::move(message.body());
  return true;
}

Response NoRoute(const Router::Match& match) {
  if (match.status != 405) return ErrorResponse(NotFound("no route for this path"));
  Response response = ErrorResponse(
      Error(ErrorCode::kInvalidArgument, "method not allowed", kReasonMethodNotAllowed));
  std::string allow;
  for (Method method : match.allowed) {
    if (!allow.empty()) allow += ", ";
    allow += MethodName(method);
  }
  return response.SetHeader("Allow", std::move(allow));
}

Response Invoke(const Route& route, Request& request) {
  try {
    return route.handler(request);
  } catch (const std::exception& e) {
    return ErrorResponse(Internal(std::string(MethodName(request.method)) + " " + route.pattern +
                                  " threw: " + e.what()));
  } catch (...) {
    return ErrorResponse(Internal(std::string(MethodName(request.method)) + " " + route.pattern +
                                  " threw a non-exception"));
  }
}

bool IsBlocking(const Route& route, const Request& request) {
  return route.options.blocking ||
         (route.options.blocking_if && route.options.blocking_if(request));
}

bhttp::response<bhttp::string_body> ToMessage(Response& response, unsigned version, bool keep_alive,
                                              const HeaderList& default_headers) {
  if (!IsWritable(response)) {
    response = ErrorResponse(Internal("handler produced an unwritable response (status " +
                                      std::to_string(response.status) + ")"));
  }
  bhttp::response<bhttp::string_body> message(static_cast<bhttp::status>(response.status), version);
  SetHeaders(message, response, default_headers);
  if (!response.content_type.empty()) {
    message.set(bhttp::field::content_type, response.content_type);
  }
  message.keep_alive(keep_alive);
  message.body() = std::move(response.body);
  message.prepare_payload();
  return message;
}

bhttp::response<bhttp::empty_body> StreamHead(const Response& response, unsigned version,
                                              const HeaderList& default_headers) {
  bhttp::response<bhttp::empty_body> head(static_cast<bhttp::status>(response.status), version);
  SetHeaders(head, response, default_headers);
  head.set(bhttp::field::content_type, response.content_type);
  head.set(bhttp::field::cache_control, "no-store");
  head.keep_alive(false);
  head.chunked(true);
  return head;
}

}  // namespace gatehouse::http
