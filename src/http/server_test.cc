#include "http/server.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <boost/json/value.hpp>
#include <cerrno>
#include <future>
#include <map>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "common/fake_clock.h"

namespace gatehouse::http {
namespace {

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

std::string Get(std::string_view target, std::string_view extra_headers = "") {
  return "GET " + std::string(target) + " HTTP/1.1\r\nHost: test\r\n" + std::string(extra_headers) +
         "\r\n";
}

std::string Post(std::string_view target, std::string_view body) {
  return "POST " + std::string(target) +
         " HTTP/1.1\r\nHost: test\r\nContent-Type: application/json\r\nContent-Length: " +
         std::to_string(body.size()) + "\r\n\r\n" + std::string(body);
}

boost::json::value Json(const WireResponse& response) { return boost::json::parse(response.body); }

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
    options.io_threads = 1;
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
    run_thread_ = std::thread([this] { server_->Run(/*handle_signals=*/false); });
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

TEST_F(ServerTest, AnswersJsonWithDefaultHeaders) {
  StartServer();
  WireResponse response = Exchange(Get("/hello?q=a+b%21", "X-Test: yes\r\n"));
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(response.headers["content-type"], "application/json");
  EXPECT_EQ(response.headers["x-content-type-options"], "nosniff");
  EXPECT_EQ(response.headers["referrer-policy"], "no-referrer");
  EXPECT_EQ(response.headers["content-length"], std::to_string(response.body.size()));
  EXPECT_EQ(Json(response), boost::json::parse(R"({"hello":"world","peer":"127.0.0.1",
                                                    "q":"a b!","x_test":"yes"})"));
}

TEST_F(ServerTest, DecodesPathParams) {
  StartServer();
  WireResponse response = Exchange(Get("/users/a%2Fb"));
  ASSERT_EQ(response.status, 200);
  EXPECT_EQ(Json(response).at("id").as_string(), "a/b");
}

TEST_F(ServerTest, KeepsConnectionAliveAcrossRequests) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send(Get("/hello")));
  EXPECT_EQ(client.Read().status, 200);
  ASSERT_TRUE(client.Send(Post("/echo", "second")));
  WireResponse second = client.Read();
  EXPECT_EQ(second.status, 200);
  EXPECT_EQ(second.body, "second");
  // Pipelined: two requests in one write, two responses in order.
  ASSERT_TRUE(client.Send(Post("/echo", "third") + Post("/echo", "fourth")));
  EXPECT_EQ(client.Read().body, "third");
  EXPECT_EQ(client.Read().body, "fourth");
}

TEST_F(ServerTest, AssemblesRequestsSentInPieces) {
  StartServer();
  Client client(server_->port());
  std::string request = Post("/echo", "split body");
  client.SetReceiveTimeout(milliseconds(50));
  // Each StaysOpen() waits 50 ms, so the server reads every piece separately: part of the start
  // line, the rest of the header, most of the body, the last bytes.
  std::size_t from = 0;
  for (std::size_t to : {std::size_t{10}, request.find("\r\n\r\n") + 4, request.size() - 3}) {
    ASSERT_TRUE(client.Send(request.substr(from, to - from)));
    from = to;
    EXPECT_TRUE(client.StaysOpen());
  }
  ASSERT_TRUE(client.Send(request.substr(from)));
  client.SetReceiveTimeout(milliseconds(5'000));
  WireResponse response = client.Read();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "split body");
}

TEST_F(ServerTest, ClosesWhenClientAsks) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send(Get("/hello", "Connection: close\r\n")));
  WireResponse response = client.Read();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.headers["connection"], "close");
  EXPECT_TRUE(client.WaitClosed());
}

TEST_F(ServerTest, AnswersExpectContinueBeforeTheBody) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send(
      "POST /echo HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\nContent-Length: 4\r\n\r\n"));
  EXPECT_EQ(client.Read().status, 100);
  ASSERT_TRUE(client.Send("body"));
  WireResponse response = client.Read();
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.body, "body");
}

TEST_F(ServerTest, UnknownPathIs404Json) {
  StartServer();
  ExpectJsonError(Exchange(Get("/nope")), 404, "not_found");
}

TEST_F(ServerTest, WrongMethodIs405WithAllow) {
  StartServer();
  WireResponse response = Exchange(Post("/hello", "{}"));
  ExpectJsonError(response, 405, "method_not_allowed");
  EXPECT_EQ(response.headers["allow"], "GET");
}

TEST_F(ServerTest, OversizedBodyIs413) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send(Post("/echo", std::string(std::size_t{70} * 1024, 'x'))));
  ExpectJsonError(client.Read(), 413, "payload_too_large");
  EXPECT_TRUE(client.WaitClosed());
  ExpectStillServing();
}

TEST_F(ServerTest, OversizedContentLengthIs413WithoutReadingBody) {
  StartServer();
  Client client(server_->port());
  // Well under read_timeout: the answer must not wait for a body that never comes.
  client.SetReceiveTimeout(milliseconds(250));
  ASSERT_TRUE(
      client.Send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 100000000\r\n\r\n"));
  ExpectJsonError(client.Read(), 413, "payload_too_large");
  ExpectStillServing();
}

TEST_F(ServerTest, OversizedHeaderIs431) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(
      client.Send(Get("/hello", "X-Big: " + std::string(std::size_t{10} * 1024, 'a') + "\r\n")));
  ExpectJsonError(client.Read(), 431, "request_header_fields_too_large");
  EXPECT_TRUE(client.WaitClosed());
  ExpectStillServing();
}

TEST_F(ServerTest, GarbageIs400) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send("hello\r\n\r\n"));
  ExpectJsonError(client.Read(), 400, "bad_request");
  EXPECT_TRUE(client.WaitClosed());
  ExpectJsonError(Exchange(Get("/a%zz")), 400, "bad_request");
  ExpectStillServing();
}

TEST_F(ServerTest, BlockingRoutesRunOnWorkerThreads) {
  StartServer();
  EXPECT_EQ(Exchange(Get("/hello")).status, 200);
  EXPECT_EQ(Exchange(Get("/blocking")).status, 200);
  EXPECT_EQ(inline_thread_.load(), io_thread_);
  EXPECT_NE(blocking_thread_.load(), io_thread_);
  EXPECT_NE(blocking_thread_.load(), std::thread::id());
}

TEST_F(ServerTest, BlockingIfDecidesPerRequest) {
  StartServer();
  EXPECT_EQ(Exchange(Get("/maybe-blocking")).status, 200);
  EXPECT_EQ(blocking_thread_.load(), io_thread_);
  EXPECT_EQ(Exchange(Get("/maybe-blocking?strict")).status, 200);
  EXPECT_NE(blocking_thread_.load(), io_thread_);
}

TEST_F(ServerTest, HandlerExceptionIs500WithoutDetails) {
  StartServer();
  for (const char* target : {"/throw", "/throw-blocking"}) {
    WireResponse response = Exchange(Get(target));
    ExpectJsonError(response, 500, "internal");
    EXPECT_EQ(response.body.find("secret"), std::string::npos);
  }
  ExpectStillServing();
}

TEST_F(ServerTest, RefusesHeaderInjection) {
  StartServer();
  WireResponse response = Exchange(Get("/bad-header"));
  ExpectJsonError(response, 500, "internal");
  EXPECT_EQ(response.headers.count("set-cookie"), 0u);
}

TEST_F(ServerTest, DisconnectsStalledRequestAfterReadTimeout) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send("GET /hello HTTP/1.1\r\nHost: te"));
  client.SetReceiveTimeout(milliseconds(100));
  EXPECT_TRUE(client.StaysOpen());
  client.SetReceiveTimeout(milliseconds(3'000));
  EXPECT_TRUE(client.WaitClosed());
  ExpectStillServing();
}

TEST_F(ServerTest, DisconnectsIdleKeepAliveConnection) {
  ServerOptions options;
  options.idle_timeout = milliseconds(200);
  StartServer(std::move(options));
  Client client(server_->port());
  ASSERT_TRUE(client.Send(Get("/hello")));
  EXPECT_EQ(client.Read().status, 200);
  EXPECT_TRUE(client.WaitClosed());
}

TEST_F(ServerTest, RefusesConnectionsBeyondTheLimit) {
  ServerOptions options;
  options.max_connections = 1;
  StartServer(std::move(options));
  Client first(server_->port());
  ASSERT_TRUE(first.Send(Get("/hello")));
  ASSERT_EQ(first.Read().status, 200);
  Client second(server_->port());
  EXPECT_TRUE(second.WaitClosed());
  ASSERT_TRUE(first.Send(Get("/hello")));
  EXPECT_EQ(first.Read().status, 200);
}

TEST_F(ServerTest, ReportsEveryResponse) {
  StartServer();
  Exchange(Get("/users/u1"));
  Exchange(Get("/nope"));
  Exchange("hello\r\n\r\n");
  // Reports follow the write, so the client can see a response before its report; one more
  // exchange on the single io thread orders the earlier reports before this point.
  ExpectStillServing();
  std::lock_guard<std::mutex> lock(statuses_mu_);
  ASSERT_GE(statuses_.size(), 3u);
  EXPECT_EQ(std::vector<std::string>(statuses_.begin(), statuses_.begin() + 3),
            (std::vector<std::string>{"200 /users/{id}", "404 ", "400 "}));
}

TEST(ServerStartTest, RejectsBadListenAddresses) {
  Router router;
  for (const char* listen : {"nonsense", "127.0.0.1", "127.0.0.1:", "127.0.0.1:99999",
                             "127.0.0.1:80x", "999.1.1.1:80", "::1:80", "[::1:80"}) {
    Server server(ServerOptions{.listen = listen}, router);
    Status started = server.Start();
    ASSERT_FALSE(started) << listen;
    EXPECT_EQ(started.error().code(), ErrorCode::kInvalidArgument) << listen;
  }
}

TEST(ServerStartTest, PortInUseIsUnavailable) {
  Router router;
  Server first(ServerOptions{.listen = "127.0.0.1:0", .worker_threads = 1}, router);
  ASSERT_TRUE(first.Start());
  Server second(ServerOptions{.listen = "127.0.0.1:" + std::to_string(first.port())}, router);
  Status started = second.Start();
  ASSERT_FALSE(started);
  EXPECT_EQ(started.error().code(), ErrorCode::kUnavailable);
}

TEST(ServerStartTest, OnResponseNeedsAClock) {
  Router router;
  ServerOptions options{.listen = "127.0.0.1:0"};
  options.on_response = [](const Request&, int, std::chrono::nanoseconds) {};
  Server server(std::move(options), router);
  EXPECT_FALSE(server.Start());
}

TEST(ServerStartTest, ListensOnAllInterfacesAndIpv6) {
  Router router;
  router.Add(Method::kGet, "/", [](Request&) { return JsonResponse(200, {}); });
  Server any(ServerOptions{.listen = ":0", .io_threads = 2, .worker_threads = 1}, router);
  ASSERT_TRUE(any.Start());
  std::thread run([&any] { any.Run(false); });
  Client client(any.port());
  ASSERT_TRUE(client.Send(Get("/")));
  EXPECT_EQ(client.Read().status, 200);
  any.Stop();
  run.join();

  Server v6(ServerOptions{.listen = "[::1]:0", .worker_threads = 1}, router);
  Status started = v6.Start();
  if (!started) GTEST_SKIP() << "no IPv6 loopback: " << started.error().message();
  EXPECT_NE(v6.port(), 0);
}

TEST(ServerStopTest, StopBeforeRunMakesRunReturn) {
  Router router;
  Server server(ServerOptions{.listen = "127.0.0.1:0", .worker_threads = 1}, router);
  ASSERT_TRUE(server.Start());
  server.Stop();
  auto ran = std::async(std::launch::async, [&server] { server.Run(false); });
  EXPECT_EQ(ran.wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

}  // namespace
}  // namespace gatehouse::http
