// hello_server: the ceilings for HTTP verify (DESIGN.md "Performance targets"): a bare
// Boost.Beast server on the same number of io threads as Gatehouse, keep-alive, that answers
// every request with a fixed 200 `hello world` -- or, with --ed25519, first checks one Ed25519
// signature over a token-sized message per request (the least any HTTP verify of a token never
// seen before must do). Prints "hello listening on http://127.0.0.1:PORT".
// Usage: hello_server [threads] [--ed25519]   (default: one per core; port chosen by the kernel)
#include <sodium.h>

#include <array>
#include <boost/asio/as_tuple.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/read.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/http/write.hpp>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <thread>
#include <vector>

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using asio::ip::tcp;

namespace {

constexpr auto kAsTuple = asio::as_tuple(asio::use_awaitable);

// One signed message the size of an access token's signing input; with --ed25519 every request
// verifies it again (libsodium, as Gatehouse does).
struct Signed {
  std::array<unsigned char, crypto_sign_PUBLICKEYBYTES> public_key{};
  std::array<unsigned char, crypto_sign_BYTES> signature{};
  std::string message = std::string(330, 'm');
  Signed() {
    std::array<unsigned char, crypto_sign_SECRETKEYBYTES> secret{};
    crypto_sign_keypair(public_key.data(), secret.data());
    crypto_sign_detached(signature.data(), nullptr,
                         reinterpret_cast<const unsigned char*>(message.data()), message.size(),
                         secret.data());
  }
  bool Verify() const {
    return crypto_sign_verify_detached(signature.data(),
                                       reinterpret_cast<const unsigned char*>(message.data()),
                                       message.size(), public_key.data()) == 0;
  }
};
const Signed* g_signed = nullptr;  // set by --ed25519

asio::awaitable<void> Serve(tcp::socket socket) {
  beast::tcp_stream stream(std::move(socket));
  beast::flat_buffer buffer;
  while (true) {
    http::request<http::string_body> request;
    auto [read_ec, read_n] = co_await http::async_read(stream, buffer, request, kAsTuple);
    if (read_ec) break;
    http::response<http::string_body> response(http::status::ok, request.version());
    response.set(http::field::content_type, "text/plain");
    response.keep_alive(request.keep_alive());
    response.body() = g_signed == nullptr || g_signed->Verify() ? "hello world\n" : "bad\n";
    response.prepare_payload();
    auto [write_ec, write_n] = co_await http::async_write(stream, response, kAsTuple);
    if (write_ec || !response.keep_alive()) break;
  }
  beast::error_code ignored;
  stream.socket().shutdown(tcp::socket::shutdown_send, ignored);
}

asio::awaitable<void> Accept(tcp::acceptor& acceptor) {
  while (true) {
    auto [ec, socket] = co_await acceptor.async_accept(kAsTuple);
    if (ec) co_return;
    socket.set_option(tcp::no_delay(true));
    asio::co_spawn(acceptor.get_executor(), Serve(std::move(socket)), asio::detached);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const int hardware = static_cast<int>(std::thread::hardware_concurrency());
  int threads = std::max(1, hardware);
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--ed25519") == 0) {
      if (sodium_init() < 0) return 1;
      g_signed = new Signed();
    } else {
      threads = std::max(1, std::atoi(argv[i]));
    }
  }
  asio::io_context ioc(threads);
  tcp::acceptor acceptor(ioc, {asio::ip::make_address("127.0.0.1"), 0});
  asio::co_spawn(ioc, Accept(acceptor), asio::detached);
  asio::signal_set signals(ioc, SIGINT, SIGTERM);
  signals.async_wait([&](const beast::error_code&, int) { ioc.stop(); });
  std::printf("hello listening on http://127.0.0.1:%u\n", acceptor.local_endpoint().port());
  std::fflush(stdout);
  std::vector<std::thread> pool;
  for (int i = 1; i < threads; ++i) pool.emplace_back([&ioc] { ioc.run(); });
  ioc.run();
  for (auto& t : pool) t.join();
}
