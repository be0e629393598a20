#pragma once
// RevocationState: what a verifier must remember to refuse access tokens that are still signed
// and unexpired but no longer valid (DESIGN.md items 6-8).
//
// It holds revoked session handles, per-user "sessions before T are revoked" marks, the users'
// claims versions and revoked signing keys. Every entry
// is dropped once no token it concerns can still be unexpired (`retention`, the longest
// access-token lifetime plus leeway, after the entry was made), so the state is bounded by time,
// not by the number of sessions.
//
// The hot path is Check(): a few hash lookups under a shared lock. A verifier may reuse a kValid
// answer only while generation() is unchanged (see there).
// The state has no dependency beyond common, so the C++ client library can hold one too.
//
// Thread-safety: all methods are safe to call concurrently.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "common/clock.h"
#include "common/mutex.h"

namespace gatehouse::revocation {

// The facts of an access token the state decides on.
struct TokenFacts {
  std::string_view user_id;
  std::string_view session_handle;
  std::int64_t issued_at_s = 0;
  std::int64_t version = 0;  // the token's `ver`
  std::string_view key_id;   // the token's `kid`
};

enum class Verdict {
  kValid,    // nothing known against the token
  kRevoked,  // unauthorised: its session or all of its user's sessions were revoked
  kStale,    // try_refresh_token: the user's claims changed, or its signing key was revoked
};

class RevocationState {
 public:
  explicit RevocationState(Millis retention) : retention_(retention) {}

  void RevokeSession(std::string_view handle, SystemTime at);
  // Tokens of `user_id` issued before `before` are revoked, except those of `except` (if any).
  void RevokeUserSessions(std::string_view user_id, SystemTime before,
                          std::optional<std::string> except);

  // The user's claims are now at `version`: older tokens must be refreshed.
  void SetClaimsVersion(std::string_view user_id, std::int64_t version, SystemTime at);

  // Tokens signed by `kid` must be refreshed (the refresh signs with a live key).
  void RevokeKey(std::string_view kid, SystemTime at);

  Verdict Check(const TokenFacts& token) const;

  // Changes every time an entry is added (never on Prune). A verifier may remember that a token
  // was kValid at generation G and skip Check while generation() is still G: any revocation,
  // cut or version change since makes the memo miss, so the answer is never stale. A mutation
  // bumps the generation before the call that made it returns.
  std::uint64_t generation() const { return generation_.load(std::memory_order_acquire); }

  // Everything a verifier needs to start from, as the feed's resync snapshot:
  // {"revoked_sessions": {handle: at}, "user_cuts": {user: {before, except?}},
  //  "claims_versions": {user: ver}, "revoked_keys": {kid: at}}.
  std::string SnapshotJson() const;

  // Drops entries older than the retention; returns how many.
  std::size_t Prune(SystemTime now);
  std::size_t size() const;

 private:
  struct UserCut {
    std::int64_t before_ms = 0;
    std::optional<std::string> except;
  };
  struct StringHash {
    using is_transparent = void;
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  template <typename V>
  using Map = std::unordered_map<std::string, V, StringHash, std::equal_to<>>;

  void Bump() { generation_.fetch_add(1, std::memory_order_acq_rel); }

  const Millis retention_;
  std::atomic<std::uint64_t> generation_{1};
  mutable Mutex mu_;
  Map<std::int64_t> revoked_handles_ GUARDED_BY(mu_);  // handle -> revoked at (ms)
  Map<UserCut> user_cuts_ GUARDED_BY(mu_);
  struct Version {
    std::int64_t version = 0;
    std::int64_t at_ms = 0;
  };
  Map<Version> versions_ GUARDED_BY(mu_);
  Map<std::int64_t> revoked_keys_ GUARDED_BY(mu_);  // kid -> revoked at (ms)
};

}  // namespace gatehouse::revocation
