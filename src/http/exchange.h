#pragma once
// The server's handling of one request, without sockets: the parser and its limits, the answer to
// a failed read, a parsed message as a Request, the route's Response, and that Response as the
// message to write. http/server/server.cc runs these between its reads and writes;
// fuzz/http_exchange_fuzz.cc runs the same on raw bytes.
//
//   RequestParser parser;
//   LimitParser(parser, {.max_header_bytes = 8192, .max_body_bytes = 65536});
//   ... feed bytes (parser.put) ...
//   if (ec) { if (auto failure = ReadFailure(ec)) answer ErrorResponse(*failure); }
//   else if (FillRequest(parser.get(), request)) response = Handle(router, request);
//   bhttp::response<bhttp::string_body> out = ToMessage(response, version, keep_alive, defaults);
//
// Only the server and the fuzz target include this (it brings Beast's HTTP headers).
// Thread-safety: free functions over their arguments.

#include <boost/beast/core/error.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/string_body.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "common/result.h"
#include "http/request.h"
#include "http/response.h"
#include "http/router.h"

namespace gatehouse::http {

namespace bhttp = boost::beast::http;
using RequestParser = bhttp::request_parser<bhttp::string_body>;
using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct RequestLimits {
  std::size_t max_header_bytes = 0;  // 431 above
  std::size_t max_body_bytes = 0;    // 413 above
};

// Sets the limits on a fresh parser, which then parses eagerly (the body with the head when the
// bytes are there).
void LimitParser(RequestParser& parser, const RequestLimits& limits);

// The error to answer a failed read with, or nothing when the connection should just close (peer
// gone, timeout, reset).
std::optional<Error> ReadFailure(const boost::beast::error_code& ec);

// What a request that failed to parse is reported as: its method and target once the head was
// read, else kOther and no target.
void DescribeFailedRequest(const RequestParser& parser, Request& request);

// Moves the parsed message into `request` (header names lower-cased). False for a malformed
// target.
bool FillRequest(bhttp::request<bhttp::string_body>& message, Request& request);

// The route for the request, or the 404/405 answer (with Allow) when there is none. A handler that
// throws answers 500, the details in the log only.
Response Invoke(const Route& route, Request& request);
Response NoRoute(const Router::Match& match);
// Whether the route's handler must run on the worker pool (it waits on the store).
bool IsBlocking(const Route& route, const Request& request);

// The message a (non-streaming) Response is written as: its headers, then every default header it
// does not set, Content-Type, Content-Length, Connection. A response that could smuggle a header
// (CR/LF in a name or value) or has a status outside 200-599 becomes a 500.
bhttp::response<bhttp::string_body> ToMessage(Response& response, unsigned version, bool keep_alive,
                                              const HeaderList& default_headers);

// The head of a streaming Response (chunked, not cached, the connection closes after it).
bhttp::response<bhttp::empty_body> StreamHead(const Response& response, unsigned version,
                                              const HeaderList& default_headers);

}  // namespace gatehouse::http
