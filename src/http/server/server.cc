#include "http/server/server.h"

#include <spdlog/spdlog.h>

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/asio/write.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/string.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/chunk_encode.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/error.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/serializer.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <charconv>
#include <csignal>
#include <exception>
#include <optional>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/mutex.h"
#include "common/thread_name.h"
#include "http/exchange.h"
#include "http/server/tls_context.h"

namespace gatehouse::http {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// Errors come back as values: an exception per closed connection or timeout costs too much.
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);
constexpr std::size_t kReadChunk = std::size_t{8} * 1024;
// After an error response we read (and drop) what the client is still sending, so that closing
// does not reset the connection before the client has read the response.
constexpr std::size_t kMaxLingerBytes = std::size_t{1024} * 1024;
constexpr std::chrono::milliseconds kMaxLinger{1'000};

// The deadline for the next operation on a plain or TLS stream (it lives on the TCP layer).
template <class Stream>
void ExpireAfter(Stream& stream, std::chrono::milliseconds timeout) {
  beast::get_lowest_layer(stream).expires_after(timeout);
}

int HardwareThreads() { return std::max(1, static_cast<int>(std::thread::hardware_concurrency())); }

Result<tcp::endpoint> ParseListen(std::string_view listen) {
  auto invalid = [listen] {
    return InvalidArgument("listen address must be host:port, :port or [v6]:port, got '" +
                           std::string(listen) + "'");
  };
  std::string_view host;
  std::string_view port;
  if (listen.starts_with('[')) {
    std::size_t close = listen.find(']');
    if (close == std::string_view::npos || listen.substr(close + 1, 1) != ":") return invalid();
    host = listen.substr(1, close - 1);
    port = listen.substr(close + 2);
  } else {
    std::size_t colon = listen.rfind(':');
    if (colon == std::string_view::npos) return invalid();
    host = listen.substr(0, colon);
    port = listen.substr(colon + 1);
    if (host.find(':') != std::string_view::npos) return invalid();  // bare IPv6
  }
  std::uint16_t port_number = 0;
  auto [end, ec] = std::from_chars(port.data(), port.data() + port.size(), port_number);
  if (port.empty() || ec != std::errc() || end != port.data() + port.size()) return invalid();
  if (host.empty()) host = "0.0.0.0";
  if (host == "localhost") host = "127.0.0.1";
  beast::error_code address_ec;
  asio::ip::address address = asio::ip::make_address(host, address_ec);
  if (address_ec) return invalid();
  return tcp::endpoint(address, port_number);
}

template <class Socket>
std::string PeerIp(const Socket& socket) {
  beast::error_code ec;
  tcp::endpoint peer = socket.remote_endpoint(ec);
  if (ec) return {};
  asio::ip::address address = peer.address();
  if (address.is_v6() && address.to_v6().is_v4_mapped()) {
    address = asio::ip::make_address_v4(asio::ip::v4_mapped, address.to_v6());
  }
  return address.to_string();
}

// Connections held per peer address, for ServerOptions.max_connections_per_address.
class PeerCounts {
 public:
  // False (nothing counted) when `ip` already holds `limit`.
  bool TryAdd(const std::string& ip, std::size_t limit) EXCLUDES(mu_) {
    MutexLock lock(mu_);
    std::size_t& n = counts_[ip];
    if (n >= limit) return false;
    ++n;
    return true;
  }
  void Remove(const std::string& ip) EXCLUDES(mu_) {
    MutexLock lock(mu_);
    auto it = counts_.find(ip);
    if (it != counts_.end() && --it->second == 0) counts_.erase(it);
  }

 private:
  Mutex mu_;
  std::unordered_map<std::string, std::size_t> counts_ GUARDED_BY(mu_);
};

// Gives back the connection's places in the live count (and its address's count, when it has
// one) when the connection's coroutine ends, or is destroyed unstarted at shutdown.
class ConnectionSlot {
 public:
  ConnectionSlot(std::atomic<std::size_t>& count, PeerCounts* peers, std::string ip)
      : count_(&count), peers_(peers), ip_(std::move(ip)) {}
  ConnectionSlot(ConnectionSlot&& other) noexcept
      : count_(std::exchange(other.count_, nullptr)),
        peers_(std::exchange(other.peers_, nullptr)),
        ip_(std::move(other.ip_)) {}
  ConnectionSlot& operator=(ConnectionSlot&&) = delete;
  const std::string& ip() const { return ip_; }
  ~ConnectionSlot() {
    if (count_ != nullptr) count_->fetch_sub(1, std::memory_order_relaxed);
    if (peers_ != nullptr) peers_->Remove(ip_);
  }

 private:
  std::atomic<std::size_t>* count_;
  PeerCounts* peers_;  // null: not counted per address
  std::string ip_;     // the peer's address (read once, at accept)
};

void LogEscaped(const char* what, const std::exception_ptr& e) {
  if (!e) return;
  try {
    std::rethrow_exception(e);
  } catch (const std::exception& ex) {
    spdlog::error("{} failed: {}", what, ex.what());
  } catch (...) {
    spdlog::error("{} failed: unknown exception", what);
  }
}

}  // namespace

// Declared in this order so that destruction runs pool, signals, acceptor, then the io_contexts
// (whose pending handlers own connection frames that touch `connections`, `router`, `options`).
//
// One io_context per io thread, each run by that thread alone: a connection lives on one
// context (chosen round robin at accept), so its handlers never run concurrently and it needs
// no strand, and no context's queue is shared between threads.
struct Server::Impl {
  enum RunState : int { kIdle, kRunning, kDone };

  Impl(ServerOptions o, const Router& r)
      : options(std::move(o)),
        router(r),
        io_threads(options.io_threads > 0 ? options.io_threads : HardwareThreads()) {
    for (int i = 0; i < io_threads; ++i) contexts.push_back(std::make_unique<asio::io_context>(1));
  }

  ~Impl() {
    pool.reset();
    reload_signals.reset();
    signals.reset();
    acceptor.reset();
  }

  Status Start();
  void Run();
  void Stop();
  void RunIo(asio::io_context& ioc);
  bool OnIoThread() const;
  asio::io_context& ioc() { return *contexts.front(); }  // the acceptor's and signals' context

  Status ReloadTls();
  void WaitForReloadSignal();
  asio::awaitable<void> Accept();
  asio::awaitable<void> Serve(beast::tcp_stream stream, ConnectionSlot slot,
                              std::shared_ptr<asio::ssl::context> tls_context);
  // The connection's requests, plain (beast::tcp_stream) or TLS (TlsStream).
  template <class Stream>
  asio::awaitable<void> ServeRequests(Stream& stream, beast::flat_buffer& buffer,
                                      const std::string& peer_ip);
  template <class Stream>
  asio::awaitable<bool> ReadSome(Stream& stream, beast::flat_buffer& buffer,
                                 std::chrono::milliseconds timeout);
  template <class Stream>
  asio::awaitable<beast::error_code> ReadRequest(Stream& stream, beast::flat_buffer& buffer,
                                                 RequestParser& parser);
  template <class Stream>
  asio::awaitable<bool> ServeOne(Stream& stream, beast::flat_buffer& buffer,
                                 const std::string& peer_ip);
  asio::awaitable<Response> Dispatch(Request& request);
  template <class Stream>
  asio::awaitable<bool> WriteStream(Stream& stream, Response& response, unsigned version);
  template <class Stream>
  asio::awaitable<bool> Write(Stream& stream, Response& response, unsigned version,
                              bool keep_alive);
  asio::awaitable<void> Close(beast::tcp_stream& stream, beast::flat_buffer& buffer);
  asio::awaitable<void> Close(TlsStream& stream);
  void Report(const Request& request, int status, MonoTime start) const;

  const ServerOptions options;
  const Router& router;
  const int io_threads;
  std::atomic<std::size_t> connections{0};
  PeerCounts peers;
  std::atomic<int> run_state{kIdle};
  std::uint16_t port = 0;

  std::vector<std::unique_ptr<asio::io_context>> contexts;
  std::size_t next_context = 0;     // round robin; touched by the accept loop only
  std::unique_ptr<TlsContext> tls;  // null for plain HTTP
  std::atomic<std::uint64_t> tls_reloads{0};
  std::atomic<std::uint64_t> tls_reload_failures{0};
  std::optional<tcp::acceptor> acceptor;
  std::optional<asio::signal_set> signals;
  std::optional<asio::signal_set> reload_signals;
  std::optional<asio::thread_pool> pool;  // blocking routes
};

Status Server::Impl::Start() {
  if (acceptor) return FailedPrecondition("server already started");
  if (options.on_response && options.clock == nullptr) {
    return InvalidArgument("ServerOptions.on_response needs ServerOptions.clock");
  }
  GH_ASSIGN_OR_RETURN(tcp::endpoint endpoint, ParseListen(options.listen));
  if (options.tls_cert_file.empty() != options.tls_key_file.empty()) {
    return InvalidArgument("TLS needs both a certificate file and a key file");
  }
  if (!options.tls_cert_file.empty()) {
    GH_ASSIGN_OR_RETURN(tls, TlsContext::Load(options.tls_cert_file, options.tls_key_file));
  }
  acceptor.emplace(ioc());
  beast::error_code ec;
  acceptor->open(endpoint.protocol(), ec);
  if (!ec) acceptor->set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) acceptor->bind(endpoint, ec);
  if (!ec) acceptor->listen(asio::socket_base::max_listen_connections, ec);
  if (!ec) port = acceptor->local_endpoint(ec).port();
  if (ec) {
    acceptor.reset();
    return Unavailable("cannot listen on " + options.listen + ": " + ec.message());
  }
  pool.emplace(options.worker_threads > 0 ? options.worker_threads : 16 * HardwareThreads());
  asio::co_spawn(ioc(), Accept(),
                 [](const std::exception_ptr& e) { LogEscaped("accept loop", e); });
  // Installed now, before anyone is told the port, so that no signal finds the default action.
  if (options.handle_signals) {
    signals.emplace(ioc(), SIGINT, SIGTERM);
    signals->async_wait([this](const beast::error_code& wait_ec, int signal) {
      if (wait_ec) return;
      spdlog::info("signal {} received, stopping", signal);
      Stop();
    });
    reload_signals.emplace(ioc(), SIGHUP);
    WaitForReloadSignal();
  }
  return OkStatus();
}

void Server::Impl::Run() {
  run_state.store(kRunning);
  // A context with no connection yet must not let its thread return: keep each one busy until
  // Stop() stops it.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> keep;
  for (auto& context : contexts) keep.push_back(asio::make_work_guard(*context));
  std::vector<std::thread> threads;
  for (int i = 1; i < io_threads; ++i) {
    threads.emplace_back([this, i] {
      SetThreadName("gh-io");  // the calling thread, io thread 0, keeps the process's name
      RunIo(*contexts[static_cast<std::size_t>(i)]);
    });
  }
  RunIo(ioc());
  for (std::thread& thread : threads) thread.join();
  // No io thread runs now: the acceptor and signal set can be touched from here.
  beast::error_code ignored;
  if (acceptor) acceptor->close(ignored);
  signals.reset();
  reload_signals.reset();
  if (pool) {
    pool->stop();
    pool->join();
  }
  run_state.store(kDone);
  run_state.notify_all();
}

Status Server::Impl::ReloadTls() {
  if (!tls) return FailedPrecondition("the server does not use TLS");
  Status status = tls->Reload();
  (status ? tls_reloads : tls_reload_failures).fetch_add(1, std::memory_order_relaxed);
  return status;
}

void Server::Impl::WaitForReloadSignal() {
  reload_signals->async_wait([this](const beast::error_code& ec, int) {
    if (ec) return;
    if (!tls) {
      spdlog::info("SIGHUP received: no TLS certificate to reload");
    } else if (Status s = ReloadTls(); s) {
      spdlog::info("SIGHUP received: TLS certificate reloaded from {}", options.tls_cert_file);
    } else {
      spdlog::error("SIGHUP received: TLS reload failed, the previous certificate stays: {}",
                    s.error().message());
    }
    WaitForReloadSignal();
  });
}

void Server::Impl::RunIo(asio::io_context& ioc) {
  for (;;) {
    try {
      ioc.run();
      return;
    } catch (const std::exception& e) {
      spdlog::error("io thread: {}", e.what());
    }
  }
}

bool Server::Impl::OnIoThread() const {
  for (const auto& ioc : contexts) {
    if (ioc->get_executor().running_in_this_thread()) return true;
  }
  return false;
}

void Server::Impl::Stop() {
  for (auto& ioc : contexts) ioc->stop();
  // From an io or worker thread (a signal, a handler) Run() finishes the job; waiting here would
  // wait for ourselves.
  if (OnIoThread()) return;
  if (pool && pool->get_executor().running_in_this_thread()) return;
  run_state.wait(kRunning);
}

asio::awaitable<void> Server::Impl::Accept() {
  for (;;) {
    asio::io_context& home = *contexts[next_context];
    next_context = (next_context + 1) % contexts.size();
    auto [ec, socket] = co_await acceptor->async_accept(home, kAsTuple);
    if (ec) {
      if (ec == asio::error::operation_aborted || !acceptor->is_open()) co_return;
      spdlog::warn("accept failed: {}", ec.message());
      asio::steady_timer backoff(ioc(), std::chrono::milliseconds(50));  // e.g. out of descriptors
      co_await backoff.async_wait(kAsTuple);
      continue;
    }
    if (connections.fetch_add(1, std::memory_order_relaxed) >= options.max_connections) {
      connections.fetch_sub(1, std::memory_order_relaxed);
      socket.close(ec);
      continue;
    }
    std::string ip = PeerIp(socket);
    PeerCounts* counted = nullptr;
    if (!options.unlimited_peer || !options.unlimited_peer(ip)) {
      if (!peers.TryAdd(ip, options.max_connections_per_address)) {
        connections.fetch_sub(1, std::memory_order_relaxed);
        socket.close(ec);
        continue;
      }
      counted = &peers;
    }
    auto executor = socket.get_executor();
    asio::co_spawn(
        executor,
        Serve(beast::tcp_stream(std::move(socket)),
              ConnectionSlot(connections, counted, std::move(ip)), tls ? tls->Current() : nullptr),
        [](const std::exception_ptr& e) { LogEscaped("connection", e); });
  }
}

asio::awaitable<void> Server::Impl::Serve(beast::tcp_stream stream, ConnectionSlot slot,
                                          std::shared_ptr<asio::ssl::context> tls_context) {
  beast::error_code ec;
  stream.socket().set_option(tcp::no_delay(true), ec);
  const std::string& peer_ip = slot.ip();
  beast::flat_buffer buffer;  // reused for every request on this connection
  if (tls_context == nullptr) {
    co_await ServeRequests(stream, buffer, peer_ip);
    co_await Close(stream, buffer);
    co_return;
  }
  // The context stays alive in this frame as long as the connection that uses it.
  TlsStream tls_stream(std::move(stream), *tls_context);
  ExpireAfter(tls_stream, options.read_timeout);
  auto [handshake_ec] =
      co_await tls_stream.async_handshake(asio::ssl::stream_base::server, kAsTuple);
  if (handshake_ec) {
    spdlog::debug("TLS handshake from {} failed: {}", peer_ip, handshake_ec.message());
    beast::get_lowest_layer(tls_stream).close();
    co_return;
  }
  co_await ServeRequests(tls_stream, buffer, peer_ip);
  co_await Close(tls_stream);
}

template <class Stream>
asio::awaitable<void> Server::Impl::ServeRequests(Stream& stream, beast::flat_buffer& buffer,
                                                  const std::string& peer_ip) {
  for (bool first = true;; first = false) {
    // The first request must start within read_timeout; later ones within idle_timeout.
    if (buffer.size() == 0 &&
        !co_await ReadSome(stream, buffer, first ? options.read_timeout : options.idle_timeout)) {
      break;
    }
    if (!co_await ServeOne(stream, buffer, peer_ip)) break;
  }
}

template <class Stream>
asio::awaitable<bool> Server::Impl::ReadSome(Stream& stream, beast::flat_buffer& buffer,
                                             std::chrono::milliseconds timeout) {
  ExpireAfter(stream, timeout);
  auto [ec, n] = co_await stream.async_read_some(buffer.prepare(kReadChunk), kAsTuple);
  if (ec) co_return false;
  buffer.commit(n);
  co_return true;
}

// Reads, handles and answers one request. True when the connection stays open for another.
template <class Stream>
asio::awaitable<bool> Server::Impl::ServeOne(Stream& stream, beast::flat_buffer& buffer,
                                             const std::string& peer_ip) {
  MonoTime start = options.on_response ? options.clock->MonotonicNow() : MonoTime();
  RequestParser parser;
  LimitParser(parser, {.max_header_bytes = options.max_header_bytes,
                       .max_body_bytes = options.max_body_bytes});

  beast::error_code ec = co_await ReadRequest(stream, buffer, parser);

  Request request;
  request.peer_ip = peer_ip;
  if (ec) {
    std::optional<Error> failure = ReadFailure(ec);
    if (!failure) co_return false;
    DescribeFailedRequest(parser, request);
    Response response = ErrorResponse(*failure);
    co_await Write(stream, response, 11, false);
    Report(request, response.status, start);
    co_return false;
  }

  bhttp::request<bhttp::string_body>& message = parser.get();
  const bool keep_alive = message.keep_alive();
  const unsigned version = message.version();
  // Not a conditional expression: g++ 12 miscompiles co_await inside ?: (temporaries die early).
  Response response;
  if (FillRequest(message, request)) {
    response = co_await Dispatch(request);
  } else {
    response = ErrorResponse(InvalidArgument("malformed request target"));
  }
  const bool written = co_await Write(stream, response, version, keep_alive);
  Report(request, response.status, start);
  const bool keep_open = written && keep_alive;
  co_return keep_open;
}

// Usually the whole request came with the bytes already buffered and is parsed without another
// read (or timer); otherwise the rest must arrive within read_timeout.
template <class Stream>
asio::awaitable<beast::error_code> Server::Impl::ReadRequest(Stream& stream,
                                                             beast::flat_buffer& buffer,
                                                             RequestParser& parser) {
  beast::error_code ec;
  buffer.consume(parser.put(buffer.data(), ec));
  if (ec == bhttp::error::need_more) ec = {};
  if (ec || parser.is_done()) co_return ec;

  ExpireAfter(stream, options.read_timeout);
  std::size_t n = 0;
  if (!parser.is_header_done()) {
    std::tie(ec, n) = co_await bhttp::async_read_header(stream, buffer, parser, kAsTuple);
  }
  if (!ec && !parser.is_done() && parser.get().version() == 11 &&
      beast::iequals(parser.get()[bhttp::field::expect], "100-continue")) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    std::tie(ec, n) = co_await asio::async_write(stream, asio::buffer(kContinue), kAsTuple);
  }
  if (!ec && !parser.is_done()) {
    std::tie(ec, n) = co_await bhttp::async_read(stream, buffer, parser, kAsTuple);
  }
  co_return ec;
}

asio::awaitable<Response> Server::Impl::Dispatch(Request& request) {
  Router::Match match = router.Find(request);
  if (match.route == nullptr) {
    router.Unmatched(request);
    co_return NoRoute(match);
  }
  const Route* route = match.route;
  if (!IsBlocking(*route, request)) co_return Invoke(*route, request);
  // The connection's coroutine waits here, its io thread free; it resumes on that thread.
  co_return co_await asio::co_spawn(
      *pool,
      [route, &request]() -> asio::awaitable<Response> {
        static thread_local const bool named = (SetThreadName("gh-worker"), true);
        (void)named;
        co_return Invoke(*route, request);
      },
      asio::use_awaitable);
}

// The one place a Response becomes bytes on the wire (a streaming one goes to WriteStream).
template <class Stream>
asio::awaitable<bool> Server::Impl::Write(Stream& stream, Response& response, unsigned version,
                                          bool keep_alive) {
  if (response.stream != nullptr) co_return co_await WriteStream(stream, response, version);
  bhttp::response<bhttp::string_body> message =
      ToMessage(response, version, keep_alive, options.default_headers);
  ExpireAfter(stream, options.read_timeout);
  auto [ec, n] = co_await bhttp::async_write(stream, message, kAsTuple);
  co_return !ec;
}

// A streaming response: head with chunked encoding, then chunks as the stream produces them,
// with a heartbeat when it is quiet. The connection closes when the stream or the client ends.
template <class Stream>
asio::awaitable<bool> Server::Impl::WriteStream(Stream& stream, Response& response,
                                                unsigned version) {
  bhttp::response<bhttp::empty_body> head = StreamHead(response, version, options.default_headers);
  bhttp::response_serializer<bhttp::empty_body> serializer(head);
  ExpireAfter(stream, options.read_timeout);
  auto [head_ec, head_n] = co_await bhttp::async_write_header(stream, serializer, kAsTuple);
  if (head_ec) co_return false;

  std::shared_ptr<ResponseStream> source = response.stream;
  auto timer = std::make_shared<asio::steady_timer>(stream.get_executor());
  auto woken = std::make_shared<std::atomic<bool>>(false);
  source->SetWaker([executor = stream.get_executor(), weak = std::weak_ptr(timer), woken] {
    woken->store(true);
    asio::post(executor, [weak] {
      if (auto t = weak.lock()) t->cancel();
    });
  });
  // A client that goes away ends the stream at once, not at the next heartbeat's failed write:
  // its slot (streams per user, connections) frees for the reconnect. The client sends nothing
  // after its request, so a readable socket means it closed (or broke the protocol).
  auto& socket = beast::get_lowest_layer(stream).socket();
  auto gone = std::make_shared<bool>(false);  // only touched on this connection's executor
  socket.async_wait(tcp::socket::wait_read, [gone, weak = std::weak_ptr(timer)](auto ec) {
    if (ec == asio::error::operation_aborted) return;
    *gone = true;
    if (auto t = weak.lock()) t->cancel();
  });
  struct StopWatching {
    decltype(socket)& s;
    ~StopWatching() {
      beast::error_code ignored;
      s.cancel(ignored);
    }
  } stop_watching{socket};
  std::string pending = std::move(response.body);
  while (true) {
    if (*gone) co_return false;
    if (pending.empty()) {
      std::optional<std::string> next = source->Next();
      if (!next) break;
      pending = std::move(*next);
    }
    if (pending.empty()) {
      if (woken->exchange(false)) continue;
      timer->expires_after(source->heartbeat());
      auto [wait_ec] = co_await timer->async_wait(kAsTuple);
      if (wait_ec) continue;  // woken, or the client left: look again
      pending = source->Heartbeat();
    }
    ExpireAfter(stream, options.read_timeout);
    auto [ec, n] =
        co_await asio::async_write(stream, bhttp::make_chunk(asio::buffer(pending)), kAsTuple);
    if (ec) co_return false;
    pending.clear();
  }
  ExpireAfter(stream, options.read_timeout);
  (void)co_await asio::async_write(stream, bhttp::make_chunk_last(), kAsTuple);
  co_return false;
}

// Half-closes, lets the client read what we sent (dropping what it still sends), then closes.
asio::awaitable<void> Server::Impl::Close(beast::tcp_stream& stream, beast::flat_buffer& buffer) {
  beast::error_code ec;
  stream.socket().shutdown(tcp::socket::shutdown_send, ec);
  if (!ec) {
    stream.expires_after(std::min(options.read_timeout, kMaxLinger));
    for (std::size_t drained = 0; drained < kMaxLingerBytes;) {
      buffer.clear();
      auto [read_ec, n] = co_await stream.async_read_some(buffer.prepare(kReadChunk), kAsTuple);
      if (read_ec) break;
      drained += n;
    }
  }
  stream.close();
}

// Sends close_notify and waits briefly for the client's, then closes the socket.
asio::awaitable<void> Server::Impl::Close(TlsStream& stream) {
  ExpireAfter(stream, std::min(options.read_timeout, kMaxLinger));
  (void)co_await stream.async_shutdown(kAsTuple);
  beast::get_lowest_layer(stream).close();
}

void Server::Impl::Report(const Request& request, int status, MonoTime start) const {
  if (!options.on_response) return;
  options.on_response(request, status, options.clock->MonotonicNow() - start);
}

Server::Server(ServerOptions options, const Router& router)
    : impl_(std::make_unique<Impl>(std::move(options), router)) {}

Server::~Server() { Stop(); }

Status Server::Start() { return impl_->Start(); }

std::uint16_t Server::port() const { return impl_->port; }

bool Server::tls() const { return impl_->tls != nullptr; }

void Server::Run() { impl_->Run(); }

Status Server::ReloadTls() { return impl_->ReloadTls(); }

std::uint64_t Server::tls_reloads() const { return impl_->tls_reloads.load(); }

std::uint64_t Server::tls_reload_failures() const { return impl_->tls_reload_failures.load(); }

void Server::Stop() { impl_->Stop(); }

}  // namespace gatehouse::http
