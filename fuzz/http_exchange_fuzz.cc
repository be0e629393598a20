// libFuzzer target: raw bytes through the server's own request handling with its limits. The
// input is what a client sends on one keep-alive connection (up to 8 pipelined requests): each
// goes through the parser with the server's default limits (8 KiB head, 64 KiB body), the answer
// to a failed read, FillRequest, the router holding every route of a real Gatehouse (SQLite in a
// temporary directory, API key kApiKey) and the message the server would write — the functions
// of http/exchange.h that http/server/server.cc runs between its reads and writes.
//
// "@ACCESS@", "@REFRESH@", "@HANDLE@" and "@USER@" in the input become a fresh session's access
// token, refresh token, handle and user id, so the corpus reaches past the authentication checks.
//
// Properties: no response is a 500 (a handler threw, or produced a response that could not be
// written); every JSON error body carries a string `error` code; the response serialises.
#include <spdlog/spdlog.h>
#include <stdlib.h>

#include <boost/beast/http/error.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/json/parse.hpp>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <sstream>
#include <string>

#include "app/services.h"
#include "http/exchange.h"
#include "http/server/server.h"
#include "parsers_fuzz.h"
#include "runtime/config.h"
#include "sessions/session_service.h"

namespace {

namespace bhttp = boost::beast::http;
using gatehouse::fuzz::Require;
constexpr const char* kApiKey = "fuzz-api-key-0123456789abcdef";

// The server's defaults: its request limits and the headers it adds to every response.
const gatehouse::http::ServerOptions& Defaults() {
  static const gatehouse::http::ServerOptions defaults;
  return defaults;
}

gatehouse::app::Services& TheServices() {
  static gatehouse::app::Services* services = [] {
    spdlog::set_level(spdlog::level::off);
    char dir_template[] = "/tmp/gh-fuzz-exchange-XXXXXX";
    const std::string dir = ::mkdtemp(dir_template);
    static const std::string removed_at_exit = dir;
    std::atexit([] { std::filesystem::remove_all(removed_at_exit); });
    gatehouse::ConfigSources sources;
    sources.flags = {{"DATA_DIR", dir},          {"API_KEYS", kApiKey},
                     {"ARGON2_MEMORY_KIB", "8"}, {"ARGON2_ITERATIONS", "1"},
                     {"COOKIE_SECURE", "false"}, {"CORS_ORIGINS", "https://app.example"}};
    auto config = gatehouse::LoadConfig(sources);
    Require(static_cast<bool>(config), "the harness configuration loads");
    auto built = gatehouse::app::Services::Build(*config);
    Require(static_cast<bool>(built), "the services start");
    return built->release();
  }();
  return *services;
}

void Replace(std::string& text, const std::string& from, const std::string& to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
}

// Fills the placeholders from a session made for this input.
void FillPlaceholders(std::string& text) {
  if (text.find('@') == std::string::npos) return;
  static int n = 0;
  const std::string user = "fuzz-user-" + std::to_string(++n);
  auto created = TheServices().sessions->Create({.user_id = user});
  Require(static_cast<bool>(created), "a session for the placeholders");
  Replace(text, "@ACCESS@", created->access_token);
  Replace(text, "@REFRESH@", created->refresh_token);
  Replace(text, "@HANDLE@", created->session.handle);
  Replace(text, "@USER@", user);
}

void Check(gatehouse::http::Response& response, unsigned version, bool keep_alive) {
  using gatehouse::http::ToMessage;
  const gatehouse::http::ServerOptions& defaults = Defaults();
  Require(response.status != 500, "no request makes a handler fail (500)");
  if (response.status >= 400 && response.content_type == "application/json") {
    boost::system::error_code ec;
    boost::json::value body = boost::json::parse(response.body, ec);
    Require(!ec && body.is_object() && body.as_object().contains("error") &&
                body.as_object().at("error").is_string(),
            "an error body carries its code");
  }
  if (response.stream != nullptr) {
    (void)gatehouse::http::StreamHead(response, version, defaults.default_headers);
    return;
  }
  bhttp::response<bhttp::string_body> message =
      ToMessage(response, version, keep_alive, defaults.default_headers);
  Require(message.result_int() != 500, "the response is writable");
  std::ostringstream wire;
  wire << message;
  Require(!wire.str().empty(), "the response serialises");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatehouse::http;  // NOLINT(google-build-using-namespace): fuzz target
  const ServerOptions& defaults = Defaults();
  const Router& router = TheServices().router;
  std::string input(gatehouse::fuzz::Text(data, size));
  FillPlaceholders(input);
  std::string_view rest = input;
  for (int i = 0; i < 8 && !rest.empty(); ++i) {
    RequestParser parser;
    LimitParser(parser, {.max_header_bytes = defaults.max_header_bytes,
                         .max_body_bytes = defaults.max_body_bytes});
    boost::beast::error_code ec;
    while (!ec && !parser.is_done() && !rest.empty()) {
      const std::size_t used = parser.put(boost::asio::buffer(rest.data(), rest.size()), ec);
      rest.remove_prefix(used);
      if (ec == bhttp::error::need_more) {
        ec = {};
        if (used == 0) break;
      }
    }
    if (!ec && !parser.is_done()) {
      parser.put_eof(ec);  // the client stops sending: what it sent is all there is
      if (!ec && !parser.is_done()) return 0;
    }
    Request request;
    request.peer_ip = "192.0.2.7";
    if (ec) {
      std::optional<gatehouse::Error> failure = ReadFailure(ec);
      if (!failure) return 0;  // the server just closes the connection
      DescribeFailedRequest(parser, request);
      Response response = ErrorResponse(*failure);
      Check(response, 11, false);
      return 0;
    }
    bhttp::request<bhttp::string_body>& message = parser.get();
    const bool keep_alive = message.keep_alive();
    const unsigned version = message.version();
    Response response = ErrorResponse(gatehouse::InvalidArgument("malformed request target"));
    if (FillRequest(message, request)) {
      Router::Match match = router.Find(request);
      response = match.route == nullptr ? NoRoute(match) : Invoke(*match.route, request);
    }
    Check(response, version, keep_alive);
    if (!keep_alive || response.stream != nullptr) return 0;
  }
  return 0;
}
