#pragma once
// Test support for the server suites: a blocking POSIX-socket HTTP/1.1 client and a fixture that
// runs a Server with a FakeClock on one io thread and two workers.

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cerrno>
#include <future>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "common/fake_clock.h"
#include "http/server/server.h"

namespace gatehouse::http::testing {

using std::chrono::milliseconds;

struct WireResponse {
  int status = 0;
  std::map<std::string, std::string> headers;  // names lower-cased
  std::string body;
};

// A blocking HTTP/1.1 client over plain POSIX sockets, enough to drive the server byte by byte.
class Client {
 public:
  explicit Client(std::uint16_t port, const char* ip = "127.0.0.1") {
    fd_ = ::socket(AF_INET, SOCK_STREAM, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(port);
    ::inet_pton(AF_INET, ip, &addr.sin_addr);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)) == 0;
    SetReceiveTimeout(milliseconds(5'000));
  }
  ~Client() { ::close(fd_); }
  Client(const Client&) = delete;
  Client& operator=(const Client&) = delete;

  bool connected() const { return connected_; }

  void SetReceiveTimeout(milliseconds timeout) {
    timeval tv{};
    tv.tv_sec = static_cast<time_t>(timeout.count() / 1000);
    tv.tv_usec = static_cast<suseconds_t>((timeout.count() % 1000) * 1000);
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
  }

  bool Send(std::string_view data) {
    while (!data.empty()) {
      ssize_t n = ::send(fd_, data.data(), data.size(), MSG_NOSIGNAL);
      if (n <= 0) return false;
      data.remove_prefix(static_cast<std::size_t>(n));
    }
    return true;
  }

  // Reads one response (Content-Length framing). status 0 when the connection ended first.
  WireResponse Read() {
    WireResponse response;
    std::size_t header_end;
    while ((header_end = pending_.find("\r\n\r\n")) == std::string::npos) {
      if (!Fill()) return response;
    }
    std::string head = pending_.substr(0, header_end);
    pending_.erase(0, header_end + 4);
    std::size_t line_end = head.find("\r\n");
    std::string status_line = head.substr(0, line_end);
    if (status_line.size() < 12) return response;
    for (std::size_t pos = line_end; pos != std::string::npos && pos < head.size();) {
      std::size_t next = head.find("\r\n", pos + 2);
      std::string line = head.substr(pos + 2, next == std::string::npos ? next : next - pos - 2);
      std::size_t colon = line.find(':');
      std::string name = line.substr(0, colon);
      for (char& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      response.headers[name] = line.substr(line.find_first_not_of(' ', colon + 1));
      pos = next;
    }
    std::size_t length = 0;
    if (auto it = response.headers.find("content-length"); it != response.headers.end()) {
      length = std::stoul(it->second);
    }
    while (pending_.size() < length) {
      if (!Fill()) return response;
    }
    response.body = pending_.substr(0, length);
    pending_.erase(0, length);
    response.status = std::stoi(status_line.substr(9, 3));
    return response;
  }

  // True when the server closed the connection (EOF or reset) within the receive timeout.
  bool WaitClosed() {
    char byte;
    ssize_t n = ::recv(fd_, &byte, 1, 0);
    return n == 0 || (n < 0 && errno == ECONNRESET);
  }

  // Reads until `text` has arrived; returns everything read so far (false: closed first).
  bool ReadUntil(std::string_view text) {
    while (pending_.find(text) == std::string::npos) {
      if (!Fill()) return false;
    }
    return true;
  }
  const std::string& received() const { return pending_; }

  // True when nothing arrives and the connection stays open for the receive timeout.
  bool StaysOpen() {
    char byte;
    ssize_t n = ::recv(fd_, &byte, 1, 0);
    return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
  }

 private:
  bool Fill() {
    char chunk[4096];
    ssize_t n = ::recv(fd_, chunk, sizeof(chunk), 0);
    if (n <= 0) return false;
    pending_.append(chunk, static_cast<std::size_t>(n));
    return true;
  }

  int fd_;
  bool connected_ = false;
  std::string pending_;
};

inline std::string Get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

inline std::string Post(std::string_view target, std::string_view body) {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

inline boost::json::value Json(const WireResponse& response) {
  return boost::json::parse(response.body);
}

class ServerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    router_.Add(Method::kGet, "/hello", [this](Request& request) {
      inline_thread_ = std::this_thread::get_id();
      return JsonResponse(200, {{"hello", "world"},
                                {"peer", request.peer_ip},
                                {"q", request.Query("q").value_or("")},
                                {"x_test", request.Header("x-test").value_or("")}});
    });
    router_.Add(Method::kGet, "/blocking",
                [this](Request&) {
                  blocking_thread_ = std::this_thread::get_id();
                  return JsonResponse(200, {{"blocking", true}});
                },
                {.blocking = true});
    router_.Add(Method::kGet, "/maybe-blocking",
                [this](Request&) {
                  blocking_thread_ = std::this_thread::get_id();
                  return JsonResponse(200, {});
                },
                {.blocking_if = [](const Request& request) {
                  return request.Query("strict").has_value();
                }});
    router_.Add(Method::kGet, "/users/{id}", [](Request& request) {
      return JsonResponse(200, {{"id", request.Param("id").value_or("")}});
    });
    router_.Add(Method::kPost, "/echo", [](Request& request) {
      return TextResponse(200, request.body, "application/octet-stream");
    });
    router_.Add(Method::kGet, "/throw",
                [](Request&) -> Response { throw std::runtime_error("secret detail"); });
    router_.Add(Method::kGet, "/throw-blocking",
                [](Request&) -> Response { throw std::runtime_error("secret detail"); },
                {.blocking = true});
    router_.Add(Method::kGet, "/bad-header", [](Request&) {
      return JsonResponse(200, {}).SetHeader("X-User", "u1\r\nSet-Cookie: evil=1");
    });
  }

  void StartServer(ServerOptions options) {
    options.listen = "127.0.0.1:0";
    if (options.io_threads == 0) options.io_threads = 1;
    options.worker_threads = 2;
    options.clock = &clock_;
    options.on_response = [this](const Request& request, int status, std::chrono::nanoseconds) {
      std::lock_guard<std::mutex> lock(statuses_mu_);
      statuses_.push_back(std::to_string(status) + " " + std::string(request.route));
    };
    server_ = std::make_unique<Server>(std::move(options), router_);
    Status started = server_->Start();
    ASSERT_TRUE(started) << started.error().message();
    ASSERT_NE(server_->port(), 0);
    run_thread_ = std::thread([this] { server_->Run(); });
    io_thread_ = run_thread_.get_id();
  }

  void StartServer() {
    ServerOptions options;
    options.read_timeout = milliseconds(300);
    options.idle_timeout = milliseconds(2'000);
    StartServer(std::move(options));
  }

  void TearDown() override {
    if (!server_) return;
    auto stopped = std::async(std::launch::async, [this] { server_->Stop(); });
    EXPECT_EQ(stopped.wait_for(std::chrono::seconds(5)), std::future_status::ready);
    stopped.wait();
    run_thread_.join();
  }

  WireResponse Exchange(std::string_view request) {
    Client client(server_->port());
    EXPECT_TRUE(client.connected());
    EXPECT_TRUE(client.Send(request));
    return client.Read();
  }

  void ExpectStillServing() {
    WireResponse response = Exchange(Get("/hello"));
    EXPECT_EQ(response.status, 200);
  }

  void ExpectJsonError(const WireResponse& response, int status, std::string_view code) {
    EXPECT_EQ(response.status, status);
    EXPECT_EQ(response.headers.at("content-type"), "application/json");
    boost::json::value body = Json(response);
    EXPECT_EQ(body.at("error").as_string(), code);
    EXPECT_TRUE(body.at("message").is_string());
  }

  FakeClock clock_;
  Router router_;
  std::unique_ptr<Server> server_;
  std::thread run_thread_;
  std::thread::id io_thread_;
  std::atomic<std::thread::id> inline_thread_;
  std::atomic<std::thread::id> blocking_thread_;
  std::mutex statuses_mu_;
  std::vector<std::string> statuses_;  // "status route" per on_response call
};

}  // namespace gatehouse::http::testing
