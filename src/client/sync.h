#pragma once
// FeedSync: the client library's one background thread. It fetches the JWKS (at start, on
// request at most once a second, and every five minutes) and follows /v1/revocations/stream
// with the API key: before each connection it reads the feed's head, so that the owner knows
// when the stream has caught up; the stream resumes after the last event applied; a broken or
// refused connection is retried with backoff (0.1 s doubling to 5 s, with jitter).
//
// Everything it learns goes to the Sink, called on the sync thread only, in the order received.
// Ownership: owns its thread; the destructor stops it (closing any connection) and joins it.
// Thread-safety: RequestKeys may be called from any thread.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

namespace gatehouse::client {

class FeedSink {
 public:
  virtual ~FeedSink() = default;
  // A JWKS fetched; `started_ms` is when its request was sent (Clock::MonotonicNow, ms).
  virtual void OnJwks(std::string_view jwks_json, std::int64_t started_ms) = 0;
  // A connection is open and the feed's head was `head` just before it: caught up once applied.
  virtual void OnConnected(std::int64_t head) = 0;
  // An event (`type`, `data` as the stream sent them) or a resync; answers false when it could
  // not be applied (the connection is then dropped and opened again).
  virtual bool OnEvent(std::string_view type, std::string_view data) = 0;
  // Any bytes from the feed: an event or a heartbeat.
  virtual void OnHeard() = 0;
  // Where the stream should resume: the last position applied.
  virtual std::int64_t Position() const = 0;
  virtual void OnDisconnected() = 0;
};

struct SyncTarget {
  std::string host, port, api_key;
  bool tls = false;                        // https://
  std::string ca_file;                     // with tls: the PEM CAs to trust instead of the system's
  std::chrono::milliseconds read_timeout;  // a feed silent this long is dropped and reopened
};

class FeedSync {
 public:
  FeedSync(SyncTarget target, FeedSink& sink);
  ~FeedSync();
  FeedSync(const FeedSync&) = delete;
  FeedSync& operator=(const FeedSync&) = delete;

  // Asks for a JWKS fetch now (at most once a second; later requests wait for that).
  void RequestKeys();

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
};

}  // namespace gatehouse::client
