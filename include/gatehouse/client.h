#pragma once
// Gatehouse's C++ verifier library: checks access tokens in the application's own process, with
// no request to Gatehouse per verify, and still refuses a revoked session, a banned user, an
// outdated role or a revoked key within milliseconds (docs/client-library.md).
//
//   auto verifier = gatehouse::client::Verifier::Start(
//       {.server_url = "http://127.0.0.1:3567", .api_key = key});
//   verifier->WaitReady(std::chrono::seconds(5));
//   gatehouse::client::Verdict v = verifier->Verify(token);
//   if (v.outcome == gatehouse::client::Outcome::kValid) { /* v.user_id, v.roles */ }
//
// One background thread fetches the JWKS and follows /v1/revocations/stream (resuming after the
// last event, loading resync snapshots, reconnecting with backoff); every change reaches the
// state through the same code the server applies its own events with. Verify answers what
// `POST /v1/sessions/verify` in `local` mode answers at the same feed position, and fails closed
// (kUnavailable) until the first catch-up and whenever the feed has been silent longer than
// `staleness_bound`.
//
// Thread-safety: Verify, WaitReady and the accessors are safe to call from any thread.
// This header includes only the standard library.

#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace gatehouse::client {

struct Options {
  std::string server_url;                           // "http://127.0.0.1:3567" or https://…
  std::string api_key;                              // a backend API key (reads JWKS and the feed)
  std::chrono::milliseconds staleness_bound{5000};  // feed silent longer → fail closed
  std::string issuer;                               // the tokens' `iss`; empty: server_url
  std::string ca_file;  // https: the PEM CA certificates to trust (empty: the system's)
  std::chrono::milliseconds clock_leeway{5000};  // as the server's CLOCK_LEEWAY
  // How long a revocation is remembered: at least the server's longest access-token lifetime
  // plus leeway (a shorter one would accept a revoked token again once its entry is dropped).
  std::chrono::milliseconds state_retention{std::chrono::hours(24)};
  std::size_t cache_entries = 1 << 20;  // verified tokens kept (signature checked once)
};

enum class Outcome { kValid, kTryRefreshToken, kUnauthorised, kUnavailable };

// "valid", "try_refresh_token", "unauthorised", "unavailable".
std::string_view OutcomeName(Outcome outcome);

struct Verdict {
  Outcome outcome = Outcome::kUnavailable;
  std::string user_id, session_handle;  // set when kValid
  std::vector<std::string> roles;       // set when kValid
  std::string claims_json;              // every claim of the token, when kValid
};

// What the background sync has done so far (for health checks and tests).
struct SyncStatus {
  bool ready = false;    // keys loaded, caught up, and the feed heard within the bound
  std::int64_t seq = 0;  // the last feed position applied
  std::uint64_t reconnects = 0;
  std::uint64_t resyncs = 0;  // snapshots loaded
  std::uint64_t jwks_fetches = 0;
};

class Verifier {
 public:
  // Returns at once; the sync runs in the background until the Verifier is destroyed. Throws
  // std::invalid_argument for a server_url that is not http[s]://host[:port], and
  // std::system_error for a ca_file that does not load.
  static std::unique_ptr<Verifier> Start(Options options);
  virtual ~Verifier() = default;

  // True once keys are loaded and the feed has caught up (false when `timeout` passed first).
  virtual bool WaitReady(std::chrono::milliseconds timeout) = 0;
  virtual Verdict Verify(std::string_view access_token) const = 0;
  virtual SyncStatus Status() const = 0;
};

}  // namespace gatehouse::client
