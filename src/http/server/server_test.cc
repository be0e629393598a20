#include "http/server/server.h"

#include <gtest/gtest.h>

#include <future>
#include <memory>
#include <mutex>
#include <set>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "http/server/server_test_support.h"

namespace gatehouse::http {
namespace {

using std::chrono::milliseconds;
using testing::Client;
using testing::Get;
using testing::Json;
using testing::Post;
using testing::ServerTest;
using testing::WireResponse;

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

// Each io thread runs its own context and connections are spread over them: every connection is
// served, on both threads, also those that arrive after a thread's context went idle.
TEST_F(ServerTest, ServesConnectionsOnEveryIoThread) {
  std::mutex mu;
  std::set<std::thread::id> threads;
  router_.Add(Method::kGet, "/where", [&](Request&) {
    std::lock_guard lock(mu);
    threads.insert(std::this_thread::get_id());
    return JsonResponse(200, {});
  });
  ServerOptions options;
  options.io_threads = 2;
  StartServer(std::move(options));
  std::this_thread::yield();
  std::vector<std::unique_ptr<Client>> clients;
  for (int i = 0; i < 6; ++i) {
    clients.push_back(std::make_unique<Client>(server_->port()));
    ASSERT_TRUE(clients.back()->Send(Get("/where")));
  }
  for (auto& client : clients) EXPECT_EQ(client->Read().status, 200);
  std::lock_guard lock(mu);
  EXPECT_EQ(threads.size(), 2u);
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
  std::thread run([&any] { any.Run(); });
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
  auto ran = std::async(std::launch::async, [&server] { server.Run(); });
  EXPECT_EQ(ran.wait_for(std::chrono::seconds(5)), std::future_status::ready);
}

}  // namespace
}  // namespace gatehouse::http
