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
// With a certificate and key (ServerOptions.tls_cert_file/tls_key_file) every connection is TLS
// (1.2 or 1.3; see tls_context.h): the handshake must finish within read_timeout, and
// ReloadTls() (or SIGHUP, with handle_signals) swaps in the files' current contents for new
// connections, keeping the old pair if the new one does not load.
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
#include <string_view>
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
  // Connections one peer address may hold at once; more from it are closed at once, so one
  // client cannot take every slot. Default: 1,000. Peers for which `unlimited_peer` answers true
  // (trusted proxies, which carry many clients) are not limited.
  std::size_t max_connections_per_address = 1'000;
  std::function<bool(std::string_view peer_ip)> unlimited_peer;
  std::string tls_cert_file;  // PEM certificate chain; with tls_key_file, serve TLS only
  std::string tls_key_file;   // PEM private key (unencrypted). Default: both empty, plain HTTP
  // From Start() on: SIGINT/SIGTERM call Stop() and SIGHUP calls ReloadTls() (logging the
  // outcome). Default: false (signals are the embedding program's).
  bool handle_signals = false;
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
  // True when the server speaks TLS (after Start).
  bool tls() const;
  // Runs the io threads until Stop(); then drains and returns.
  void Run();
  void Stop();
  // Reads the certificate and key files again for new connections. kFailedPrecondition without
  // TLS; kInvalidArgument (the previous pair still in use) when they do not load.
  Status ReloadTls();
  // Reloads that succeeded / failed so far (metrics).
  std::uint64_t tls_reloads() const;
  std::uint64_t tls_reload_failures() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatehouse::http
