#include "tests/support/sse_client.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cstdlib>
#include <sstream>

namespace gatehouse::testing {

SseClient::SseClient(int port, const std::string& target,
                     const std::vector<std::pair<std::string, std::string>>& headers) {
  fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(static_cast<std::uint16_t>(port));
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  std::string request = "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  for (const auto& [name, value] : headers) request += name + ": " + value + "\r\n";
  request += "\r\n";
  (void)::send(fd_, request.data(), request.size(), MSG_NOSIGNAL);
}

SseClient::~SseClient() {
  if (fd_ >= 0) ::close(fd_);
}

int SseClient::status() const { return text_.size() > 12 ? std::atoi(text_.c_str() + 9) : 0; }

std::vector<long> SseClient::WaitForEvents(std::size_t count, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::vector<long> ids;
  while (true) {
    ids.clear();
    for (std::size_t at = text_.find("\nid: "); at != std::string::npos;
         at = text_.find("\nid: ", at + 1)) {
      ids.push_back(std::atol(text_.c_str() + at + 5));
    }
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (ids.size() >= count || left.count() <= 0) return ids;
    pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) return ids;
    char buf[8192];
    const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
    if (n <= 0) return ids;
    text_.append(buf, static_cast<std::size_t>(n));
  }
}

bool SseClient::ReadSome(std::chrono::milliseconds timeout) {
  pollfd p{.fd = fd_, .events = POLLIN, .revents = 0};
  if (::poll(&p, 1, static_cast<int>(timeout.count())) <= 0) return false;
  char buf[65536];
  const ssize_t n = ::recv(fd_, buf, sizeof buf, 0);
  if (n <= 0) {
    ended_ = true;
    return false;
  }
  text_.append(buf, static_cast<std::size_t>(n));
  return true;
}

std::vector<SseClient::Record> SseClient::Records() const {
  // The body after the head, de-chunked as far as whole chunks go.
  std::string body;
  std::size_t at = text_.find("\r\n\r\n");
  if (at == std::string::npos) return {};
  at += 4;
  while (true) {
    const std::size_t line_end = text_.find("\r\n", at);
    if (line_end == std::string::npos) break;
    const std::size_t size = std::strtoul(text_.c_str() + at, nullptr, 16);
    if (size == 0 || line_end + 2 + size + 2 > text_.size()) break;
    body.append(text_, line_end + 2, size);
    at = line_end + 2 + size + 2;
  }
  std::vector<Record> out;
  std::size_t start = 0;
  for (std::size_t end = body.find("\n\n"); end != std::string::npos;
       start = end + 2, end = body.find("\n\n", start)) {
    Record r;
    std::istringstream lines(body.substr(start, end - start));
    for (std::string line; std::getline(lines, line);) {
      if (line.rfind("id: ", 0) == 0) r.id = std::atol(line.c_str() + 4);
      if (line.rfind("event: ", 0) == 0) r.event = line.substr(7);
      if (line.rfind("data: ", 0) == 0) r.data = line.substr(6);
    }
    if (!r.event.empty()) out.push_back(std::move(r));
  }
  return out;
}

std::vector<SseClient::Record> SseClient::WaitForId(long id, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (true) {
    std::vector<Record> records = Records();
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if ((!records.empty() && records.back().id >= id) || left.count() <= 0) return records;
    if (!ReadSome(left)) return records;
  }
}

}  // namespace gatehouse::testing
