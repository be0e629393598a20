#include "client/sync.h"

#include <algorithm>
#include <atomic>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/buffer_body.hpp>
#include <boost/beast/http/empty_body.hpp>
#include <boost/beast/http/parser.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/json/parse.hpp>
#include <optional>
#include <thread>

#include "client/sse.h"
#include "common/clock.h"
#include "crypto/csprng_random.h"

namespace gatehouse::client {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace bhttp = boost::beast::http;
using tcp = asio::ip::tcp;
using std::chrono::milliseconds;
constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

constexpr milliseconds kConnectTimeout{2000};
constexpr milliseconds kKeysEvery{5 * 60 * 1000};
constexpr milliseconds kKeysAtMostEvery{1000};
constexpr milliseconds kFirstBackoff{100};
constexpr milliseconds kMaxBackoff{5000};

using TlsStream = beast::ssl_stream<beast::tcp_stream>;

// One connection to the server: plain TCP, or TLS over it (https://).
struct Connection {
  std::unique_ptr<beast::tcp_stream> plain;
  std::unique_ptr<TlsStream> tls;

  beast::tcp_stream& tcp() { return tls ? beast::get_lowest_layer(*tls) : *plain; }
  // Runs `op(stream)` (a coroutine) on whichever stream this is.
  template <typename Op>
  auto On(Op op) {
    return tls ? op(*tls) : op(*plain);
  }
};

// The TLS client context: the system's CAs (or `ca_file` alone), peers verified.
std::optional<asio::ssl::context> TlsContext(const SyncTarget& target) {
  if (!target.tls) return std::nullopt;
  asio::ssl::context ctx(asio::ssl::context::tls_client);
  ctx.set_options(asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
  if (target.ca_file.empty()) {
    ctx.set_default_verify_paths();
  } else {
    ctx.load_verify_file(target.ca_file);
  }
  ctx.set_verify_mode(asio::ssl::verify_peer);
  return ctx;
}

}  // namespace

struct FeedSync::Impl {
  SyncTarget target;
  FeedSink& sink;
  asio::io_context io{1};
  asio::steady_timer keys_timer{io};
  std::atomic<bool> keys_wanted{true};
  std::atomic<bool> stopping{false};
  std::optional<asio::ssl::context> tls_context;
  std::unique_ptr<Connection> feed_stream;  // the open feed connection (io thread only)
  std::thread thread;

  Impl(SyncTarget t, FeedSink& s)
      : target(std::move(t)), sink(s), tls_context(TlsContext(target)) {}

  // A connection, after the TLS handshake for https:// (certificate chain and the host name or
  // IP address checked); null when it failed.
  asio::awaitable<std::unique_ptr<Connection>> Connect() {
    tcp::resolver resolver(io);
    auto [ec, endpoints] = co_await resolver.async_resolve(target.host, target.port, kAsTuple);
    if (ec) co_return nullptr;
    auto tcp_stream = std::make_unique<beast::tcp_stream>(io);
    tcp_stream->expires_after(kConnectTimeout);
    auto [connect_ec, ignored] = co_await tcp_stream->async_connect(endpoints, kAsTuple);
    if (connect_ec) co_return nullptr;
    auto c = std::make_unique<Connection>();
    if (!tls_context) {
      c->plain = std::move(tcp_stream);
      co_return c;
    }
    c->tls = std::make_unique<TlsStream>(std::move(*tcp_stream), *tls_context);
    SSL* ssl = c->tls->native_handle();
    boost::system::error_code not_an_address;
    (void)asio::ip::make_address(target.host, not_an_address);
    const char* host = target.host.c_str();
    const bool named =
        not_an_address
            ? SSL_set_tlsext_host_name(ssl, const_cast<char*>(host)) == 1 &&  // NOLINT (macro)
                  SSL_set1_host(ssl, host) == 1
            : X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(ssl), host) == 1;
    if (!named) co_return nullptr;
    auto [handshake_ec] =
        co_await c->tls->async_handshake(asio::ssl::stream_base::client, kAsTuple);
    if (handshake_ec) co_return nullptr;
    co_return c;
  }

  bhttp::request<bhttp::empty_body> Get(const std::string& target_path) const {
    bhttp::request<bhttp::empty_body> req{bhttp::verb::get, target_path, 11};
    req.set(bhttp::field::host, target.host + ":" + target.port);
    req.set(bhttp::field::authorization, "Bearer " + target.api_key);
    req.set(bhttp::field::user_agent, "gatehouse-client");
    return req;
  }

  // A short GET: the body of a 200 answer, or nullopt.
  asio::awaitable<std::optional<std::string>> Fetch(const std::string& path) {
    std::unique_ptr<Connection> c = co_await Connect();
    if (!c) co_return std::nullopt;
    c->tcp().expires_after(target.read_timeout);
    const auto req = Get(path);
    auto [write_ec, written] =
        co_await c->On([&](auto& s) { return bhttp::async_write(s, req, kAsTuple); });
    if (write_ec) co_return std::nullopt;
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::string_body> parser;
    parser.body_limit(16 << 20);
    auto [read_ec, read] =
        co_await c->On([&](auto& s) { return bhttp::async_read(s, buffer, parser, kAsTuple); });
    if (read_ec || parser.get().result() != bhttp::status::ok) {
      co_return std::nullopt;
    }
    co_return std::move(parser.get().body());
  }

  // JWKS at start, when asked (at most once a second), and every kKeysEvery.
  asio::awaitable<void> KeysLoop() {
    auto last = Clock::Real().MonotonicNow() - kKeysAtMostEvery;
    while (!stopping) {
      if (keys_wanted.exchange(false)) {
        const auto wait = last + kKeysAtMostEvery - Clock::Real().MonotonicNow();
        if (wait > milliseconds(0)) {
          keys_timer.expires_after(wait);
          co_await keys_timer.async_wait(kAsTuple);
          if (stopping) break;
        }
        last = Clock::Real().MonotonicNow();
        std::optional<std::string> jwks = co_await Fetch("/.well-known/jwks.json");
        if (jwks) {
          sink.OnJwks(*jwks,
                      std::chrono::duration_cast<milliseconds>(last.time_since_epoch()).count());
        } else {
          keys_wanted = true;  // try again (a second later at the earliest)
        }
        continue;
      }
      keys_timer.expires_after(kKeysEvery);
      co_await keys_timer.async_wait(kAsTuple);  // cancelled by RequestKeys
      if (!keys_wanted) keys_wanted = true;      // the periodic refresh
    }
  }

  // The feed's head now (GET /v1/revocations?limit=1 answers last_seq).
  asio::awaitable<std::optional<std::int64_t>> Head() {
    // after = the largest position: never behind the log, so the answer is never a snapshot.
    std::optional<std::string> body =
        co_await Fetch("/v1/revocations?limit=1&after=9223372036854775807");
    if (!body) co_return std::nullopt;
    boost::system::error_code ec;
    const boost::json::value doc = boost::json::parse(*body, ec);
    const boost::json::object* root = ec ? nullptr : doc.if_object();
    const boost::json::value* last = root != nullptr ? root->if_contains("last_seq") : nullptr;
    if (last == nullptr || !last->is_int64()) co_return std::nullopt;
    co_return last->as_int64();
  }

  // One connection to the stream, until it ends. True when it delivered the stream (a later
  // failure then starts the backoff again from the shortest wait).
  asio::awaitable<bool> FollowOnce() {
    std::optional<std::int64_t> head = co_await Head();
    if (!head || stopping) co_return false;
    feed_stream = co_await Connect();
    if (!feed_stream || stopping) co_return false;
    Connection& c = *feed_stream;
    c.tcp().expires_after(target.read_timeout);
    auto req = Get("/v1/revocations/stream?after=" + std::to_string(sink.Position()));
    req.set(bhttp::field::accept, "text/event-stream");
    auto [write_ec, written] =
        co_await c.On([&](auto& s) { return bhttp::async_write(s, req, kAsTuple); });
    if (write_ec) co_return false;
    beast::flat_buffer buffer;
    bhttp::response_parser<bhttp::buffer_body> parser;
    parser.body_limit(boost::none);
    auto [head_ec, head_n] = co_await c.On(
        [&](auto& s) { return bhttp::async_read_header(s, buffer, parser, kAsTuple); });
    if (head_ec || parser.get().result() != bhttp::status::ok) co_return false;
    sink.OnConnected(*head);
    sink.OnHeard();
    SseParser sse;
    char chunk[16384];
    while (!stopping && !parser.is_done()) {
      parser.get().body().data = chunk;
      parser.get().body().size = sizeof chunk;
      c.tcp().expires_after(target.read_timeout);
      auto [ec, n] = co_await c.On(
          [&](auto& s) { return bhttp::async_read_some(s, buffer, parser, kAsTuple); });
      if (ec == bhttp::error::need_buffer) ec = {};
      if (ec) break;
      const std::size_t got = sizeof chunk - parser.get().body().size;
      if (got == 0) continue;
      sink.OnHeard();
      for (const SseEvent& e : sse.Feed(std::string_view(chunk, got))) {
        // An event this library cannot apply (a newer server's type, say): it cannot vouch for
        // its state past it, so it reconnects from the last event applied, backing off.
        if (!sink.OnEvent(e.type, e.data)) co_return false;
      }
      if (sse.Failed()) co_return false;
    }
    co_return true;
  }

  asio::awaitable<void> FeedLoop() {
    crypto::CsprngRandom random;  // jitter: apps that restart together do not reconnect together
    milliseconds backoff = kFirstBackoff;
    asio::steady_timer wait(io);
    while (!stopping) {
      const bool streamed = co_await FollowOnce();
      feed_stream.reset();
      sink.OnDisconnected();
      if (stopping) break;
      if (streamed) backoff = kFirstBackoff;
      const auto half = static_cast<std::uint64_t>(backoff.count() / 2);
      wait.expires_after(milliseconds(half + random.Uniform(half + 1)));
      co_await wait.async_wait(kAsTuple);
      backoff = std::min(backoff * 2, kMaxBackoff);
    }
  }
};

FeedSync::FeedSync(SyncTarget target, FeedSink& sink)
    : impl_(std::make_unique<Impl>(std::move(target), sink)) {
  Impl* impl = impl_.get();
  asio::co_spawn(impl->io, impl->KeysLoop(), asio::detached);
  asio::co_spawn(impl->io, impl->FeedLoop(), asio::detached);
  impl->thread = std::thread([impl] { impl->io.run(); });
}

FeedSync::~FeedSync() {
  impl_->stopping = true;
  asio::post(impl_->io, [impl = impl_.get()] {
    impl->keys_timer.cancel();
    if (impl->feed_stream) impl->feed_stream->tcp().cancel();
  });
  impl_->io.stop();
  impl_->thread.join();
}

void FeedSync::RequestKeys() {
  if (impl_->keys_wanted.exchange(true)) return;
  asio::post(impl_->io, [impl = impl_.get()] { impl->keys_timer.cancel(); });
}

}  // namespace gatehouse::client
