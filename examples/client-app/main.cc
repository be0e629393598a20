// client-app: a small HTTP service whose one protected route, GET /orders, is checked with
// Gatehouse's client library in this process (no request to Gatehouse per call).
//
//   GATEHOUSE_URL=http://127.0.0.1:3567 GATEHOUSE_API_KEY=... GATEHOUSE_ISSUER=... \
//     client-app 8080
//   curl -H "Authorization: Bearer $ACCESS_TOKEN" http://127.0.0.1:8080/orders
//
// 200 with the caller's user id; 401 {"error":"try_refresh_token"|"unauthorised"}; 503 while
// the library cannot vouch for its revocation state (fail closed). GET /healthz answers 200 once
// the library is ready, 503 before.
#include <gatehouse/client.h>

#include <boost/asio/ip/tcp.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/http.hpp>
#include <cstdlib>
#include <iostream>
#include <thread>

namespace beast = boost::beast;
namespace http = boost::beast::http;
using tcp = boost::asio::ip::tcp;

namespace {

std::string Env(const char* name) {
  const char* value = std::getenv(name);
  return value != nullptr ? value : "";
}

http::response<http::string_body> Answer(const gatehouse::client::Verifier& verifier,
                                         const http::request<http::string_body>& req) {
  auto reply = [&](http::status status, std::string body) {
    http::response<http::string_body> res{status, req.version()};
    res.set(http::field::content_type, "application/json");
    res.body() = std::move(body);
    res.prepare_payload();
    return res;
  };
  if (req.target() == "/healthz") {
    return verifier.Status().ready ? reply(http::status::ok, R"({"ready":true})")
                                   : reply(http::status::service_unavailable, R"({"ready":false})");
  }
  if (req.target() != "/orders") return reply(http::status::not_found, R"({"error":"not_found"})");
  std::string_view auth = req[http::field::authorization];
  const std::string_view bearer = "Bearer ";
  const std::string_view token = auth.starts_with(bearer) ? auth.substr(bearer.size()) : "";
  const gatehouse::client::Verdict v = verifier.Verify(token);
  switch (v.outcome) {
    case gatehouse::client::Outcome::kValid:
      return reply(http::status::ok, R"({"orders":[],"user_id":")" + v.user_id + "\"}");
    case gatehouse::client::Outcome::kUnavailable:
      return reply(http::status::service_unavailable, R"({"error":"unavailable"})");
    default:
      return reply(
          http::status::unauthorized,
          R"({"error":")" + std::string(gatehouse::client::OutcomeName(v.outcome)) + "\"}");
  }
}

void Serve(const gatehouse::client::Verifier& verifier, tcp::socket socket) {
  beast::flat_buffer buffer;
  beast::error_code ec;
  while (true) {
    http::request<http::string_body> req;
    http::read(socket, buffer, req, ec);
    if (ec) return;
    http::response<http::string_body> res = Answer(verifier, req);
    res.keep_alive(req.keep_alive());
    http::write(socket, res, ec);
    if (ec || !req.keep_alive()) return;
  }
}

}  // namespace

int main(int argc, char** argv) {
  const unsigned short port = argc > 1 ? static_cast<unsigned short>(std::atoi(argv[1])) : 8080;
  auto verifier = gatehouse::client::Verifier::Start({.server_url = Env("GATEHOUSE_URL"),
                                                      .api_key = Env("GATEHOUSE_API_KEY"),
                                                      .issuer = Env("GATEHOUSE_ISSUER")});
  boost::asio::io_context io;
  tcp::acceptor acceptor(io, {boost::asio::ip::make_address("127.0.0.1"), port});
  std::cout << "client-app listening on 127.0.0.1:" << acceptor.local_endpoint().port()
            << std::endl;
  while (true) {
    tcp::socket socket = acceptor.accept();
    std::thread(Serve, std::cref(*verifier), std::move(socket)).detach();
  }
}
