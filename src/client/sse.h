#pragma once
// SseParser: the text/event-stream format (WHATWG HTML §9.2) read incrementally, as the feed's
// chunks arrive: `id:`, `event:` and `data:` lines make an event, a blank line dispatches it,
// a line starting with ':' is a comment (the server's heartbeat).
//
// Thread-safety: a plain value, used by one thread.

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::client {

struct SseEvent {
  std::string id, type, data;
};

class SseParser {
 public:
  // Feeds bytes; answers the events they completed, in order. `comments` counts comment lines
  // seen so far (heartbeats). A line longer than kMaxLine makes Failed() true for good.
  std::vector<SseEvent> Feed(std::string_view bytes);
  bool Failed() const { return failed_; }
  std::size_t comments() const { return comments_; }

  static constexpr std::size_t kMaxLine = std::size_t{256} << 20;  // a resync snapshot's line

 private:
  void Line(std::string_view line, std::vector<SseEvent>& out);

  std::string partial_;
  SseEvent building_;
  bool has_data_ = false;
  bool failed_ = false;
  std::size_t comments_ = 0;
};

}  // namespace gatehouse::client
