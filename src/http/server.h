#pragma once
// Server: the HTTP/1.1 listener (Boost.Beast, C++20 coroutines). The only code in Gatehouse that
// touches sockets.
//
// Each connection is a coroutine on one io thread's own io_context (one context per io thread,
// connections dealt round robin, so no strand is needed): read a request within the limits, find
// the route, run the handler (inline, or on the worker pool when the route is blocking), write the
// response, repeat while keep-alive. Every failure becomes a JSON error response (400 for a
// malformed request, 413 for an oversized body, 431 for oversized headers) or a closed
// connection (timeouts); exceptions never escape a connection.
//
//   Server server(options, router);
//   GH_RETURN_IF_ERROR(server.Start());   // binds; server.port() is now known
//   server.Run();                         // blocks until Stop() (e.g. from a signal)
//
// Ownership: borrows the router (must outlive the server); owns io threads and worker pool.
// Thread-safety: Start/Run from one thread; Stop() from any thread or a signal handler thread.

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/result.h"
#include "http/router.h"

namespace gatehouse::http {

struct ServerOptions {
  std::string listen = "127.0.0.1:3567";  // Default: 127.0.0.1:3567; ":0" or port 0 picks one
  int io_threads = 0;                     // Default: 0 = hardware concurrency
  int worker_threads = 0;  // Default: 0 = 16 x hardware concurrency (they mostly wait on the store;
                           // more waiting writers make bigger group commits)
  std::size_t max_body_bytes = std::size_t{64} * 1024;   // Default: 64 KiB (413 above)
  std::size_t max_header_bytes = std::size_t{8} * 1024;  // Default: 8 KiB (431 above)
  std::chrono::milliseconds read_timeout{10'000};  // Default: 10s to read one request (or write)
  std::chrono::milliseconds idle_timeout{60'000};  // Default: 60s keep-alive between requests
  std::size_t max_connections = 10'000;            // Default: 10,000 (more are closed at once)
  // Called for every completed request (metrics), on an io thread. May be empty. For a request
  // that failed to parse, only peer_ip (and method and target once the header was read) is set.
  std::function<void(const Request&, int status, std::chrono::nanoseconds elapsed)> on_response;
  // Measures `elapsed` for on_response. Default: none; Start() refuses on_response without it.
  const Clock* clock = nullptr;
  // Response headers added to every response (security headers).
  std::vector<std::pair<std::string, std::string>> default_headers = {
      {"X-Content-Type-Options", "nosniff"}, {"Referrer-Policy", "no-referrer"}};
};

class Server {
 public:
  Server(ServerOptions options, const Router& router);
  ~Server();
  Server(const Server&) = delete;
  Server& operator=(const Server&) = delete;

  // Binds and listens. kInvalidArgument for a bad address, kUnavailable when the port is taken.
  Status Start();
  // The bound port (after Start).
  std::uint16_t port() const;
  // Runs the io threads until Stop(); then drains and returns. SIGINT/SIGTERM call Stop() when
  // `handle_signals` is true.
  void Run(bool handle_signals = true);
  void Stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatehouse::http
