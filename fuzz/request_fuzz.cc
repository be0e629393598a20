// libFuzzer target: what a request's head carries into the handlers. The input's lines are a
// request target, a Cookie header, X-Forwarded-For lines and a Last-Event-ID: ParseTarget,
// CookieValue, ClientIp (right-most untrusted address) and the integer parser behind `after`,
// `limit` and Last-Event-ID. ClientIp must answer the TCP peer or an address it parsed.
#include <arpa/inet.h>

#include <string>
#include <vector>

#include "http/handlers/browser_support.h"
#include "http/handlers/query.h"
#include "http/request.h"
#include "parsers_fuzz.h"

namespace {

bool IsIp(const std::string& text) {
  unsigned char buf[16];
  return inet_pton(AF_INET, text.c_str(), buf) == 1 || inet_pton(AF_INET6, text.c_str(), buf) == 1;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace gatehouse::http;  // NOLINT(google-build-using-namespace): fuzz target
  static const std::vector<Cidr> trusted = {*Cidr::Parse("10.0.0.0/8"), *Cidr::Parse("::1/128")};
  std::vector<std::string> lines;
  std::string_view text = gatehouse::fuzz::Text(data, size);
  while (!text.empty() && lines.size() < 8) {
    const std::size_t end = text.find('\n');
    lines.emplace_back(text.substr(0, end));
    text = end == std::string_view::npos ? std::string_view() : text.substr(end + 1);
  }
  while (lines.size() < 4) lines.emplace_back();
  Request request;
  request.peer_ip = "10.1.2.3";
  request.target = lines[0];
  (void)ParseTarget(request.target, request.path, request.query);
  request.headers.emplace_back("cookie", lines[1]);
  for (std::size_t i = 2; i + 1 < lines.size(); ++i) {
    request.headers.emplace_back("x-forwarded-for", lines[i]);
  }
  request.headers.emplace_back("last-event-id", lines.back());
  (void)CookieValue(request, "gh_refresh");
  (void)CookieValue(request, "__Host-gh_access");
  const std::string ip = ClientIp(request, trusted);
  gatehouse::fuzz::Require(ip == request.peer_ip || IsIp(ip), "ClientIp answers an address");
  const auto n = ParseInteger(lines.back(), 0, 1'000'000);
  gatehouse::fuzz::Require(!n || (*n >= 0 && *n <= 1'000'000), "ParseInteger within bounds");
  for (const auto& [name, value] : request.query) (void)ParseInteger(value, -5, 5);
  return 0;
}
