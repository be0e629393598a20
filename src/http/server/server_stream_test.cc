// Streaming responses (the SSE path): chunks follow the source's wake-ups, a heartbeat fills
// quiet periods, the end of the source ends the response, a reader that stops reading is
// disconnected by the write timeout without holding up anyone else, and Stop ends open streams.
#include <gtest/gtest.h>

#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>

#include "http/server/server.h"
#include "http/server/server_test_support.h"
#include "http/stream.h"

namespace gatehouse::http {
namespace {

using std::chrono::milliseconds;
using testing::Client;
using testing::Get;

// A source fed by the test thread.
class TestStream final : public ResponseStream {
 public:
  explicit TestStream(std::size_t chunk_when_empty = 0, std::function<void()> on_release = {})
      : filler_(chunk_when_empty, 'x'), on_release_(std::move(on_release)) {}
  ~TestStream() override {
    if (on_release_) on_release_();
  }
  void SetWaker(std::function<void()> wake) override {
    std::lock_guard lock(mu_);
    wake_ = std::move(wake);
  }
  std::optional<std::string> Next() override {
    std::lock_guard lock(mu_);
    if (ended_) return std::nullopt;
    if (queue_.empty()) return filler_;  // an endless producer when filler_ is set
    std::string out = std::move(queue_.front());
    queue_.pop_front();
    return out;
  }
  std::chrono::milliseconds heartbeat() const override { return milliseconds(50); }

  void Push(std::string text) {
    Notify([&] { queue_.push_back(std::move(text)); });
  }
  void End() {
    Notify([&] { ended_ = true; });
  }

 private:
  template <typename F>
  void Notify(F change) {
    std::function<void()> wake;
    {
      std::lock_guard lock(mu_);
      change();
      wake = wake_;
    }
    if (wake) wake();
  }

  std::mutex mu_;
  std::function<void()> wake_;
  std::deque<std::string> queue_;
  bool ended_ = false;
  const std::string filler_;
  const std::function<void()> on_release_;
};

class ServerStreamTest : public testing::ServerTest {
 protected:
  void SetUp() override {
    ServerTest::SetUp();
    router_.Add(Method::kGet, "/stream", [this](Request&) {
      Response r = TextResponse(200, "first\n", "text/event-stream");
      auto stream = std::make_shared<TestStream>();
      Change([&] { streams_.push_back(stream); });
      r.stream = stream;
      return r;
    });
    router_.Add(Method::kGet, "/flood", [this](Request&) {
      Response r = TextResponse(200, "", "text/event-stream");
      Change([&] { flood_started_ = true; });
      r.stream = std::make_shared<TestStream>(1 << 20,
                                              [this] { Change([&] { flood_released_ = true; }); });
      return r;
    });
  }

  template <typename F>
  void Change(F change) {
    std::lock_guard lock(mu_);
    change();
    cv_.notify_all();
  }
  // Waits up to 5 s for `ready` (called under the lock).
  template <typename F>
  bool WaitFor(F ready) {
    std::unique_lock lock(mu_);
    return cv_.wait_for(lock, std::chrono::seconds(5), ready);
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::shared_ptr<TestStream>> streams_;
  bool flood_started_ = false;
  bool flood_released_ = false;
};

TEST_F(ServerStreamTest, SendsChunksAsTheSourceWakesAndHeartbeatsWhenQuiet) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send(Get("/stream")));
  ASSERT_TRUE(client.ReadUntil("first\n"));
  EXPECT_NE(client.received().find("Transfer-Encoding: chunked"), std::string::npos);
  EXPECT_NE(client.received().find("Cache-Control: no-store"), std::string::npos);
  ASSERT_TRUE(WaitFor([&] { return !streams_.empty(); }));
  std::shared_ptr<TestStream> stream = streams_[0];

  stream->Push("one\n");
  EXPECT_TRUE(client.ReadUntil("one\n"));
  EXPECT_TRUE(client.ReadUntil(": heartbeat\n\n"));
  stream->Push("two\n");
  EXPECT_TRUE(client.ReadUntil("two\n"));
  ExpectStillServing();  // a stream holds its connection, not the io thread

  stream->End();
  EXPECT_TRUE(client.ReadUntil("\r\n0\r\n\r\n"));  // the last chunk
  EXPECT_TRUE(client.WaitClosed());
}

TEST_F(ServerStreamTest, AReaderThatStopsReadingIsDisconnectedByTheWriteTimeout) {
  StartServer();  // read_timeout 300 ms also bounds each write
  {
    Client client(server_->port());
    ASSERT_TRUE(client.Send(Get("/flood")));
    // The client never reads: the server's writes fill the socket buffers and then stall.
    ASSERT_TRUE(WaitFor([&] { return flood_started_; }));
    ExpectStillServing();
    EXPECT_TRUE(WaitFor([&] { return flood_released_; }))
        << "the stalled stream was not released within 5 s";
  }
  ExpectStillServing();
}

TEST_F(ServerStreamTest, StopEndsOpenStreams) {
  StartServer();
  Client client(server_->port());
  ASSERT_TRUE(client.Send(Get("/stream")));
  ASSERT_TRUE(client.ReadUntil("first\n"));
  // TearDown asserts that Stop returns within 5 s with this stream still open.
}

}  // namespace
}  // namespace gatehouse::http
