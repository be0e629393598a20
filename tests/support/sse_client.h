#pragma once
// SseClient: opens a Server-Sent Events stream over a raw socket and collects what arrives
// (chunk framing included; tests look for `id:` / `event:` lines in it).

#include <chrono>
#include <string>
#include <vector>

namespace gatehouse::testing {

class SseClient {
 public:
  SseClient(int port, const std::string& target,
            const std::vector<std::pair<std::string, std::string>>& headers);
  ~SseClient();

  // Reads until `count` events (`id:` lines) have arrived or `timeout` passes; returns their ids.
  std::vector<long> WaitForEvents(std::size_t count, std::chrono::milliseconds timeout);

  // One complete SSE record of the body (chunk framing removed); comments are skipped.
  struct Record {
    long id = 0;
    std::string event;
    std::string data;
  };
  // Reads until a record with an id of at least `id` has arrived or `timeout` passes; returns
  // every complete record received so far, in order.
  std::vector<Record> WaitForId(long id, std::chrono::milliseconds timeout);
  // True once the server ended the stream (closed the connection or sent the last chunk).
  bool ended() const { return ended_ || text_.ends_with("\r\n0\r\n\r\n"); }
  const std::string& text() const { return text_; }
  int status() const;

 private:
  // Reads what is there within `timeout`; false when the stream ended or nothing came.
  bool ReadSome(std::chrono::milliseconds timeout);
  std::vector<Record> Records() const;

  int fd_ = -1;
  std::string text_;
  bool ended_ = false;
};

}  // namespace gatehouse::testing
