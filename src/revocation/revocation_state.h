#pragma once
// RevocationState: what a verifier must remember to refuse access tokens that are still signed
// and unexpired but no longer valid (DESIGN.md items 6-9).
//
// It holds revoked session handles, banned users, the users' claims versions and revoked signing
// keys, and changes only by Apply(), which takes the committed feed events in `seq` order: the
// server's own state, a restarted server's, another instance's and the client library's all go
// the same road, so all reach the same verdicts (a resync snapshot loads the same maps). Every
// entry is dropped once no token it concerns can still be unexpired (`retention`, the longest
// access-token lifetime plus leeway, after the entry was made), so the state is bounded by time,
// not by the number of sessions. A ban entry is dropped then too, though the ban lasts: tokens
// issued before it have expired, and none is issued while it lasts.
//
// The hot path is Check(): a few hash lookups under a shared lock. A verifier may reuse a kValid
// answer only while generation() is unchanged (see there).
// The state has no dependency beyond common, so the C++ client library can hold one too.
//
// Thread-safety: all methods are safe to call concurrently.

#include <atomic>
#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"
#include "common/mutex.h"
#include "common/result.h"
#include "revocation/event.h"

namespace gatehouse::revocation {

// The facts of an access token the state decides on. None is a time: no verdict depends on
// how precisely a token records when it was issued.
struct TokenFacts {
  std::string_view user_id;
  std::string_view session_handle;
  std::int64_t version = 0;  // the token's `ver`
  std::string_view key_id;   // the token's `kid`
};

enum class Verdict {
  kValid,    // nothing known against the token
  kRevoked,  // unauthorised: its session was ended, or its user is banned
  kStale,    // try_refresh_token: the user's claims changed, or its signing key was revoked
};

class RevocationState {
 public:
  explicit RevocationState(Millis retention) : retention_(retention) {}

  // The one road in: applies a committed event. Callers apply events in `seq` order.
  void Apply(const Event& event);

  Verdict Check(const TokenFacts& token) const;

  // Changes every time an event is applied or a snapshot loaded (never on Prune). A verifier
  // may remember that a token was kValid at generation G and skip Check while generation() is
  // still G: any change since makes the memo miss, so the answer is never stale. Apply bumps
  // the generation before it returns.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // Everything a verifier needs to start from, as the feed's resync snapshot (times in ms):
  // {"revoked_sessions": {handle: at}, "banned_users": {user: at},
  //  "claims_versions": {user: {"ver": v, "at": at}}, "revoked_keys": {kid: at}}.
  std::string SnapshotJson() const;
  // Replaces the whole state with a snapshot made by SnapshotJson (kInvalidArgument if it is
  // not one; the state is then unchanged).
  Status LoadSnapshot(std::string_view snapshot_json);

  // Drops entries older than the retention; returns how many.
  std::size_t Prune(SystemTime now);
  std::size_t size() const;

 private:
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <typename V>
  using Map = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;
  struct Version {
    std::int64_t version = 0;
    std::int64_t at_ms = 0;
  };
  struct Maps {
    Map<std::int64_t> revoked_handles;  // handle -> revoked at (ms)
    Map<std::int64_t> banned_users;     // user -> banned at (ms)
    Map<Version> versions;              // user -> claims version and when it was set
    Map<std::int64_t> revoked_keys;     // kid -> revoked at (ms)
  };

  void ApplyLocked(const Event& event) REQUIRES(mu_);
  void Bump() { generation_.fetch_add(1, std::memory_order_acq_rel); }

  const Millis retention_;
  std::atomic<std::uint64_t> generation_{1};
  mutable Mutex mu_;
  Maps maps_ GUARDED_BY(mu_);
};

}  // namespace gatehouse::revocation
