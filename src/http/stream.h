#pragma once
// ResponseStream: a long-lived response body, for Server-Sent Events. A handler returns a
// Response whose `stream` is set; http/server/server.cc writes the head (chunked), then asks the
// stream for text whenever the stream wakes it or `heartbeat()` passes, until Next() says the
// stream is over or the client goes away.
//
// Thread-safety: Wake (set by the server) may be called from any thread; Next and Heartbeat are
// called on the connection's own io thread only (its coroutine), never concurrently.

#include <chrono>
#include <functional>
#include <optional>
#include <string>

namespace gatehouse::http {

class ResponseStream {
 public:
  virtual ~ResponseStream() = default;
  // The server installs its wake-up before the first Next(); call it when new data is ready.
  virtual void SetWaker(std::function<void()> wake) = 0;
  // Text ready to send (empty: nothing yet), or nullopt when the stream is over.
  virtual std::optional<std::string> Next() = 0;
  // Sent when nothing else was sent for heartbeat(): for SSE a comment line.
  virtual std::string Heartbeat() const { return ": heartbeat\n\n"; }
  virtual std::chrono::milliseconds heartbeat() const { return std::chrono::seconds(5); }
};

}  // namespace gatehouse::http
