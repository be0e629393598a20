#pragma once
// A small blocking HTTP/1.1 client over POSIX sockets for integration tests: one connection,
// keep-alive, Content-Length bodies only (what Gatehouse sends). No Boost, so tests compile fast.

#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace gatehouse::testing {

struct HttpResponse {
  int status = 0;
  std::vector<std::pair<std::string, std::string>> headers;  // names lower-cased
  std::string body;

  std::optional<std::string> Header(const std::string& lower_name) const;
};

class HttpClient {
 public:
  explicit HttpClient(int port) : port_(port) {}
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  // Sends one request; reconnects if the server closed the connection. `headers` are added as
  // given. A JSON body gets Content-Type application/json unless a content-type header is given.
  HttpResponse Send(const std::string& method, const std::string& target,
                    const std::string& body = "",
                    const std::vector<std::pair<std::string, std::string>>& headers = {});
  // Sends raw bytes and reads one response (status 0 when the server closed without answering).
  HttpResponse SendRaw(const std::string& bytes);
  void Close();

 private:
  bool Connect();
  bool WriteAll(const std::string& bytes);
  HttpResponse ReadResponse();

  int port_;
  int fd_ = -1;
  std::string buffer_;
};

}  // namespace gatehouse::testing
