// The client library's Verifier: the project's own token verification (tokens::TokenVerifier on
// a tokens::VerifyKeys filled from the JWKS) and revocation state (revocation::RevocationState,
// changed only by the feed's events through Apply), joined by verify::VerifyLocal, the same
// verdict the server reaches; FeedSync keeps both current.
#include <gatehouse/client.h>

#include <boost/json/object.hpp>
#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <condition_variable>
#include <mutex>
#include <set>
#include <stdexcept>

#include "client/sync.h"
#include "common/clock.h"
#include "revocation/event.h"
#include "revocation/revocation_state.h"
#include "tokens/jws.h"
#include "tokens/token_verifier.h"
#include "tokens/verify_keys.h"
#include "verify/local_verify.h"

namespace gatehouse::client {
namespace {

using std::chrono::milliseconds;

constexpr milliseconds kUnknownKidWait{1500};  // how long a verify waits for a JWKS refetch
constexpr int kMaxKidWaiters = 8;
constexpr milliseconds kPruneEvery{60'000};

// Monotonic milliseconds, for the staleness bound and the rate of JWKS requests.
std::int64_t SteadyMs() {
  return std::chrono::duration_cast<milliseconds>(Clock::Real().MonotonicNow().time_since_epoch())
      .count();
}

// "http[s]://host[:port][/]" → host, port and whether it is TLS.
SyncTarget TargetOf(const Options& options) {
  std::string_view url = options.server_url;
  const bool tls = url.starts_with("https://");
  if (!tls && !url.starts_with("http://")) {
    throw std::invalid_argument(
        "gatehouse::client: server_url must start with http:// or https://");
  }
  url.remove_prefix(tls ? 8 : 7);
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  if (url.empty() || url.find('/') != std::string_view::npos) {
    throw std::invalid_argument("gatehouse::client: server_url must be http[s]://host[:port]");
  }
  const std::size_t colon = url.rfind(':');
  SyncTarget target{.api_key = options.api_key,
                    .tls = tls,
                    .ca_file = options.ca_file,
                    .read_timeout = std::max(milliseconds(3000), options.staleness_bound)};
  target.host = std::string(colon == std::string_view::npos ? url : url.substr(0, colon));
  target.port =
      colon == std::string_view::npos ? (tls ? "443" : "80") : std::string(url.substr(colon + 1));
  return target;
}

std::string IssuerOf(const Options& options) {
  if (!options.issuer.empty()) return options.issuer;
  std::string url = options.server_url;
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

class ClientVerifier final : public Verifier, public FeedSink {
 public:
  explicit ClientVerifier(Options options)
      : options_(std::move(options)),
        state_(options_.state_retention),
        tokens_(
            [this] { return Keys(); },
            tokens::VerifierOptions{.issuer = IssuerOf(options_), .leeway = options_.clock_leeway},
            options_.cache_entries) {
    sync_ = std::make_unique<FeedSync>(TargetOf(options_), *this);
  }
  ~ClientVerifier() override { sync_.reset(); }  // the sync thread stops before the state goes

  bool WaitReady(milliseconds timeout) override {
    std::unique_lock lock(wait_mu_);
    return changed_.wait_for(lock, timeout, [this] { return Available(); });
  }

  Verdict Verify(std::string_view access_token) const override {
    if (!Available()) return {};
    Result<std::shared_ptr<const tokens::AccessClaims>> claims =
        verify::VerifyLocal(tokens_, state_, access_token, Clock::Real().Now());
    if (!claims && claims.error().reason().empty() && UnknownKey(access_token) && AwaitKeys()) {
      claims = verify::VerifyLocal(tokens_, state_, access_token, Clock::Real().Now());
    }
    if (!claims) {
      if (claims.error().code() == ErrorCode::kUnavailable) return {};
      return {.outcome = claims.error().reason() == reason::kTryRefreshToken
                             ? Outcome::kTryRefreshToken
                             : Outcome::kUnauthorised};
    }
    const tokens::AccessClaims& c = **claims;
    return {.outcome = Outcome::kValid,
            .user_id = std::string(c.user_id),
            .session_handle = std::string(c.session_handle),
            .roles = c.RoleList(),
            .claims_json = std::string(c.AllJson())};
  }

  SyncStatus Status() const override {
    return {.ready = Available(),
            .seq = applied_.load(),
            .reconnects = std::max<std::uint64_t>(connections_.load(), 1) - 1,
            .resyncs = resyncs_.load(),
            .jwks_fetches = jwks_fetches_.load()};
  }

  // FeedSink, on the sync thread.
  void OnJwks(std::string_view jwks_json, std::int64_t started_ms) override {
    Result<tokens::VerifyKeys> keys = tokens::VerifyKeys::FromJwks(jwks_json);
    if (keys) {
      std::lock_guard lock(keys_mu_);
      jwks_ = std::move(keys).value();
      PublishKeysLocked();
    }  // else keep the keys held; the next fetch may do better
    fetched_started_ms_.store(started_ms);
    jwks_fetches_.fetch_add(1);
    Notify();
  }

  void OnConnected(std::int64_t head) override {
    target_.store(head);
    connections_.fetch_add(1);
    Notify();
  }

  bool OnEvent(std::string_view type, std::string_view data) override {
    if (type == "resync") {
      if (!LoadResync(data)) return false;
    } else {
      Result<revocation::Event> event = revocation::Event::FromWire(data);
      if (!event) return false;  // reconnect; the server resyncs a feed it cannot decode
      if (event->seq <= applied_.load()) return true;  // a replay after a reconnect
      state_.Apply(*event);
      if (event->type == revocation::EventType::kKeyRevoked) {
        std::lock_guard lock(keys_mu_);
        revoked_kids_.insert(event->kid);
        PublishKeysLocked();
      }
      applied_.store(event->seq);
    }
    MaybePrune();
    Notify();
    return true;
  }

  void OnHeard() override {
    heard_ms_.store(SteadyMs());
    Notify();
  }
  std::int64_t Position() const override { return applied_.load(); }
  void OnDisconnected() override {}

 private:
  // Keys loaded, caught up with the head read before the connection, and heard from within the
  // staleness bound.
  bool Available() const {
    return keys_loaded_.load() && target_.load() >= 0 && applied_.load() >= target_.load() &&
           SteadyMs() - heard_ms_.load() <= options_.staleness_bound.count();
  }

  std::shared_ptr<const tokens::VerifyKeys> Keys() const {
    std::lock_guard lock(keys_mu_);
    return keys_;
  }

  // The JWKS's keys plus every kid the feed said was revoked (the JWKS leaves those out, and
  // their tokens must answer try_refresh_token, not unauthorised). The verified-token cache is
  // emptied only when a key that verified no longer does: a fetch that only adds or repeats keys
  // keeps it (a made-up kid, which asks for a fetch, must not flush it).
  void PublishKeysLocked() {
    tokens::VerifyKeys keys = jwks_;
    for (const std::string& kid : revoked_kids_) keys.Revoke(kid);
    bool lost = false;
    if (keys_ != nullptr) {
      const SystemTime now = Clock::Real().Now();
      for (const std::string& kid : keys_->Kids()) {
        const tokens::VerifyKey* after = keys.Find(kid);
        if (tokens::VerifyKeys::CanVerify(*keys_->Find(kid), now) &&
            (after == nullptr || !tokens::VerifyKeys::CanVerify(*after, now))) {
          lost = true;
        }
      }
    }
    keys_ = std::make_shared<const tokens::VerifyKeys>(std::move(keys));
    keys_loaded_.store(true);
    if (lost) tokens_.OnKeysChanged();
  }

  // True when the token names a kid the key set does not hold.
  bool UnknownKey(std::string_view access_token) const {
    Result<tokens::Jws> jws = tokens::ParseJws(access_token);
    if (!jws) return false;
    const std::shared_ptr<const tokens::VerifyKeys> keys = Keys();
    return keys != nullptr && keys->Find(jws->kid) == nullptr;
  }

  // An unknown kid may be a key newer than the JWKS held (the server signs with a new key at
  // once): wait for a JWKS fetch sent after this verify began (the sync thread sends at most one
  // a second, so ~1 s at worst), then verify again. At most kMaxKidWaiters verifies wait at once;
  // beyond that (a flood of made-up kids) the answer is immediate.
  bool AwaitKeys() const {
    const std::int64_t asked = SteadyMs();
    if (waiters_.fetch_add(1) >= kMaxKidWaiters) {
      waiters_.fetch_sub(1);
      return false;
    }
    sync_->RequestKeys();
    bool fetched = false;
    {
      std::unique_lock lock(wait_mu_);
      fetched = changed_.wait_for(lock, kUnknownKidWait,
                                  [&] { return fetched_started_ms_.load() >= asked; });
    }
    waiters_.fetch_sub(1);
    return fetched;
  }

  // {"last_seq": N, "snapshot": {...}}: the whole state as of N.
  bool LoadResync(std::string_view data) {
    boost::system::error_code ec;
    const boost::json::value doc = boost::json::parse(data, ec);
    const boost::json::object* root = ec ? nullptr : doc.if_object();
    const boost::json::value* seq = root ? root->if_contains("last_seq") : nullptr;
    const boost::json::value* snapshot = root ? root->if_contains("snapshot") : nullptr;
    if (seq == nullptr || !seq->is_int64() || snapshot == nullptr || !snapshot->is_object()) {
      return false;
    }
    if (!state_.LoadSnapshot(boost::json::serialize(*snapshot))) return false;
    std::set<std::string> revoked;
    if (const auto* keys = snapshot->as_object().if_contains("revoked_keys");
        keys != nullptr && keys->is_object()) {
      for (const auto& [kid, at] : keys->as_object()) revoked.emplace(kid);
    }
    {
      std::lock_guard lock(keys_mu_);
      revoked_kids_ = std::move(revoked);
      PublishKeysLocked();
    }
    applied_.store(seq->as_int64());
    resyncs_.fetch_add(1);
    return true;
  }

  void MaybePrune() {
    const std::int64_t now = SteadyMs();
    if (now - pruned_ms_ < kPruneEvery.count()) return;
    pruned_ms_ = now;
    state_.Prune(Clock::Real().Now());
  }

  void Notify() {
    { std::lock_guard lock(wait_mu_); }
    changed_.notify_all();
  }

  const Options options_;
  revocation::RevocationState state_;
  mutable tokens::TokenVerifier tokens_;

  mutable std::mutex keys_mu_;
  tokens::VerifyKeys jwks_;
  std::set<std::string> revoked_kids_;
  std::shared_ptr<const tokens::VerifyKeys> keys_;
  std::atomic<bool> keys_loaded_{false};
  std::atomic<std::int64_t> fetched_started_ms_{-1};  // when the last JWKS fetch was sent
  mutable std::atomic<int> waiters_{0};               // verifies waiting for a JWKS fetch

  std::atomic<std::int64_t> applied_{0};
  std::atomic<std::int64_t> target_{-1};  // the head read before the open connection
  std::atomic<std::int64_t> heard_ms_{0};
  std::atomic<std::uint64_t> connections_{0}, resyncs_{0}, jwks_fetches_{0};
  std::int64_t pruned_ms_ = 0;  // sync thread only

  mutable std::mutex wait_mu_;
  mutable std::condition_variable changed_;
  std::unique_ptr<FeedSync> sync_;  // last: started once everything above exists
};

}  // namespace

std::string_view OutcomeName(Outcome outcome) {
  switch (outcome) {
    case Outcome::kValid:
      return "valid";
    case Outcome::kTryRefreshToken:
      return "try_refresh_token";
    case Outcome::kUnauthorised:
      return "unauthorised";
    case Outcome::kUnavailable:
      return "unavailable";
  }
  return "unavailable";
}

std::unique_ptr<Verifier> Verifier::Start(Options options) {
  return std::make_unique<ClientVerifier>(std::move(options));
}

}  // namespace gatehouse::client
