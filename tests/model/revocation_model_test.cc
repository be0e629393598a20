// A seeded, model-based test of DESIGN.md item 9: thousands of random steps (create, refresh
// with stale tokens too, revoke, revoke-all with and without `except`, ban, unban, password
// change and reset, role grant and removal, role change, payload change, key rotation with and
// without revocation, restart, prune) on a fake clock that puts many events into the same
// millisecond and the same second. After every step, for every token issued so far that could
// still be accepted, these give the same verdict:
//   (a) the live service's `local` verify;
//   (b) a fresh state built from the event log from its start;
//   (c) a state loaded from a resync snapshot taken at an earlier step, plus the events after it;
//   and the store's own rows (revoked session, banned user, claims version), as the oracle.
// (d), a state fed only by the SSE stream of a running server, is revocation_model_http_test.
// The seed is printed with every failure; GATEHOUSE_MODEL_SEED and GATEHOUSE_MODEL_STEPS repeat
// or lengthen a run.
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <optional>
#include <random>
#include <set>

#include "authz/authz_service.h"
#include "common/fake_clock.h"
#include "common/random.h"
#include "identity/user_service.h"
#include "keys/key_manager.h"
#include "revocation/feed/feed.h"
#include "sessions/session_service.h"
#include "store/memory/memory_store.h"
#include "store/sqlite/sqlite_store.h"
#include "tests/support/verdict.h"

namespace gatehouse {
namespace {

using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr std::string_view kIssuer = "https://model.test";

sessions::SessionPolicy Policy() {
  return {.access_token_ttl = seconds(60),
          .access_token_jitter = 0.05,
          .refresh_token_ttl = std::chrono::minutes(8),
          .session_absolute_ttl = std::chrono::minutes(20),
          .refresh_grace = seconds(2),
          .max_sessions_per_user = 4,
          .refresh_tokens_kept = 4,
          .clock_leeway = seconds(5)};
}

// Everything of one server process but its store: rebuilt from the store by a restart.
struct Instance {
  Instance(store::Store& store, Clock& clock, RandomSource& random)
      : state(Policy().MaxAccessTokenLifetime()),
        feed(store, state, clock,
             {.token_lifetime = Policy().MaxAccessTokenLifetime(), .poll = Millis(0)}),
        keys(store, std::string(32, 'k'),
             {.rotation_interval = std::chrono::hours(1),
              .verify_window = Policy().MaxAccessTokenLifetime()},
             clock, random),
        verifier([this] { return keys.VerifyKeys(); },
                 {.issuer = std::string(kIssuer), .leeway = Policy().clock_leeway}),
        sessions({.store = store,
                  .ring = [this] { return keys.Ring(); },
                  .verifier = verifier,
                  .revocations = state,
                  .claims = claims,
                  .clock = clock,
                  .random = random,
                  .issuer = std::string(kIssuer)},
                 Policy()),
        authz(store, clock),
        throttle(1000, seconds(1), clock),
        users({.store = store,
               .sessions = sessions,
               .throttle = throttle,
               .clock = clock,
               .random = random,
               .argon2 = {.memory_kib = 8, .iterations = 1}}) {
    EXPECT_TRUE(feed.Start());
    // As the server wires it: a revoked key leaves the ring, and the verifier drops its cache.
    keys.SetListener([this](const std::vector<std::string>& revoked) {
      if (!revoked.empty()) verifier.OnKeysChanged();
    });
    EXPECT_TRUE(keys.Load());
  }

  revocation::RevocationState state;
  revocation::Feed feed;
  keys::KeyManager keys;
  tokens::TokenVerifier verifier;
  sessions::StoreClaimsSource claims;
  sessions::SessionService sessions;
  authz::AuthzService authz;
  identity::SigninThrottle throttle;
  identity::UserService users;
};

std::string Code(const Error& e) {
  return e.reason().empty() ? std::string("unauthorised") : std::string(e.reason());
}

std::string StateVerdict(const revocation::RevocationState& state,
                         const Result<std::shared_ptr<const tokens::AccessClaims>>& stateless) {
  if (!stateless) return Code(stateless.error());
  const tokens::AccessClaims& c = **stateless;
  return testing::VerdictCode(state.Check({.user_id = c.user_id,
                                           .session_handle = c.session_handle,
                                           .version = c.version,
                                           .key_id = c.kid}));
}

// True for a Result<bool> that holds true.
bool Yes(const Result<bool>& r) { return r && *r; }

struct Token {
  std::string text;
  std::string handle;
  std::int64_t expires_at_ms = 0;
};

class Model {
 public:
  Model(std::uint64_t seed, bool sqlite) : seed_(seed), rng_(seed), random_(seed), sqlite_(sqlite) {
    if (sqlite_) {
      dir_ = std::filesystem::temp_directory_path() /
             ("gh-model-" + std::to_string(::getpid()) + "-" + std::to_string(seed));
      std::filesystem::remove_all(dir_);
      std::filesystem::create_directories(dir_);
    }
    OpenStore();
    instance_ = std::make_unique<Instance>(store(), clock_, random_);
    for (int i = 0; i < 3; ++i) {
      const std::string password = "a long password " + std::to_string(i);
      auto user = instance_->users.Create("u" + std::to_string(i) + "@model.test", password);
      EXPECT_TRUE(user);
      if (!user) continue;
      passwords_[user->id] = password;
      users_.push_back(user->id);
    }
    users_.push_back("app-user-1");  // an application's own id, not a Gatehouse account
    EXPECT_TRUE(instance_->authz.PutRole("reader", {"doc:read"}));
    EXPECT_TRUE(instance_->authz.PutRole("writer", {"doc:write"}));
    snapshot_ = instance_->feed.TakeSnapshot();
  }
  ~Model() {
    instance_.reset();
    store_.reset();
    if (sqlite_) std::filesystem::remove_all(dir_);
  }

  // One random step; returns its name (for the failure trace).
  std::string Step() {
    AdvanceClock();
    const int op = Pick(100);
    if (op < 18) return Create();
    if (op < 38) return Refresh();
    if (op < 46) return Revoke();
    if (op < 51) return RevokeAll();
    if (op < 55) return Ban();
    if (op < 59) return Unban();
    if (op < 62) return ChangePassword();
    if (op < 64) return ResetPassword();
    if (op < 70) return GrantOrRemoveRole();
    if (op < 72) return ChangeRole();
    if (op < 77) return ChangePayload();
    if (op < 79) return RotateKey();
    if (op < 83) return Restart();
    if (op < 87) return Prune();
    if (op < 91) return TakeSnapshot();
    return "nothing";
  }

  // Compares the verdicts for every token that can still be accepted.
  void Check(const std::string& step) {
    CountSameMillisecond();
    revocation::RevocationState from_log(Policy().MaxAccessTokenLifetime());
    ApplyLog(from_log, 0);
    revocation::RevocationState from_snapshot(Policy().MaxAccessTokenLifetime());
    if (!LogHolds(snapshot_.seq)) snapshot_ = instance_->feed.TakeSnapshot();
    ASSERT_TRUE(from_snapshot.LoadSnapshot(snapshot_.json));
    ApplyLog(from_snapshot, snapshot_.seq);

    const SystemTime now = clock_.Now();
    const std::int64_t now_ms = ToUnixMillis(now);
    const std::int64_t leeway_ms = Policy().clock_leeway.count();
    std::erase_if(tokens_, [&](const Token& t) { return now_ms > t.expires_at_ms + leeway_ms; });
    for (const Token& t : tokens_) {
      auto live = instance_->sessions.Verify(t.text, sessions::VerifyMode::kLocal);
      const std::string a = live ? "ok" : Code(live.error());
      const auto stateless = instance_->verifier.Verify(t.text, now);
      const std::string b = StateVerdict(from_log, stateless);
      const std::string c = StateVerdict(from_snapshot, stateless);
      const std::string truth = StoreVerdict(stateless);
      ++verdicts_[a];
      if (a != b || a != c || a != truth) {
        ADD_FAILURE() << "seed " << seed_ << ", after step " << steps_ << " (" << step
                      << "): session " << t.handle << ": live " << a << ", log " << b
                      << ", snapshot@" << snapshot_.seq << " " << c << ", store " << truth;
        return;
      }
    }
    ++steps_;
  }

  int steps() const { return steps_; }
  const std::map<std::string, int>& verdicts() const { return verdicts_; }
  const std::map<std::string, int>& done() const { return done_; }
  int same_millisecond_events() const { return same_ms_events_; }

 private:
  void OpenStore() {
    if (sqlite_) {
      store_ = std::move(store::SqliteStore::Open((dir_ / "model.db").string())).value();
    } else if (!memory_) {
      memory_ = std::make_unique<store::MemoryStore>();
    }
  }
  store::Store& store() {
    if (sqlite_) return *store_;
    return *memory_;
  }

  int Pick(int n) { return std::uniform_int_distribution<int>(0, n - 1)(rng_); }
  template <typename T>
  const T& Any(const std::vector<T>& v) {
    return v[static_cast<std::size_t>(Pick(static_cast<int>(v.size())))];
  }
  const std::string& AnyUser() { return Any(users_); }

  void AdvanceClock() {
    const int r = Pick(100);
    if (r < 40) return;  // the same millisecond
    if (r < 60) return clock_.Advance(milliseconds(1));
    if (r < 80) return clock_.Advance(milliseconds(Pick(1000)));  // the same second, often
    if (r < 96) return clock_.Advance(seconds(1 + Pick(10)));
    clock_.Advance(seconds(30 + Pick(90)));  // tokens expire, sessions go idle
  }

  void Track(const sessions::IssuedSession& issued) {
    tokens_.push_back({issued.access_token, issued.session.handle, issued.access_expires_at_ms});
    refresh_tokens_.push_back(issued.refresh_token);
    handles_.push_back({issued.session.handle, issued.session.user_id});
  }
  std::string Done(const std::string& what, bool ok) {
    if (ok) ++done_[what];
    return what;
  }

  std::string Create() {
    auto r = instance_->sessions.Create({.user_id = AnyUser()});
    if (r) Track(*r);
    return Done("create", r.has_value());
  }
  std::string Refresh() {
    if (refresh_tokens_.empty()) return "refresh (none)";
    // Mostly recent tokens (the normal case), sometimes an old one (a replay: theft).
    const int n = static_cast<int>(refresh_tokens_.size());
    int i = n - 1 - Pick(std::min(n, 3));  // one of the newest
    if (Pick(4) == 0) i = Pick(n);         // any: a replay
    const auto at = static_cast<std::size_t>(i);
    auto r = instance_->sessions.Refresh(refresh_tokens_[at]);
    if (r) Track(*r);
    if (!r && r.error().reason() == reason::kTokenTheftDetected) ++done_["theft"];
    return Done("refresh", r.has_value());
  }
  std::string Revoke() {
    if (handles_.empty()) return "revoke (none)";
    return Done("revoke", Yes(instance_->sessions.Revoke(Any(handles_).first)));
  }
  std::string RevokeAll() {
    const std::string& user = AnyUser();
    std::optional<std::string> except;
    if (Pick(2) == 0 && !handles_.empty()) except = Any(handles_).first;
    auto r = instance_->sessions.RevokeAll(user, except);
    return Done(except ? "revoke-all except" : "revoke-all", r.has_value());
  }
  std::string Ban() { return Done("ban", instance_->sessions.Ban(AnyUser(), "model").has_value()); }
  std::string Unban() { return Done("unban", Yes(instance_->sessions.Unban(AnyUser()))); }
  std::string ChangePassword() {
    if (handles_.empty()) return "password change (none)";
    const auto& [handle, user] = Any(handles_);
    auto it = passwords_.find(user);
    if (it == passwords_.end()) return "password change (not an account)";
    const std::string next = "another long password " + std::to_string(++password_n_);
    const bool ok = instance_->users.ChangePassword(user, handle, it->second, next, {}).ok();
    if (ok) it->second = next;
    return Done("password change", ok);
  }
  std::string ResetPassword() {
    const std::string& user = AnyUser();
    auto it = passwords_.find(user);
    if (it == passwords_.end()) return "password reset (not an account)";
    std::optional<std::string> keep;
    if (Pick(2) == 0 && !handles_.empty()) keep = Any(handles_).first;
    const std::string next = "a reset long password " + std::to_string(++password_n_);
    const bool ok = instance_->users.SetPassword(user, next, keep).has_value();
    if (ok) it->second = next;
    return Done("password reset", ok);
  }
  std::string GrantOrRemoveRole() {
    const std::string role = Pick(2) == 0 ? "reader" : "writer";
    if (Pick(2) == 0) return Done("grant", Yes(instance_->authz.Grant(AnyUser(), role)));
    return Done("remove role", Yes(instance_->authz.Remove(AnyUser(), role)));
  }
  std::string ChangeRole() {
    const std::vector<std::string> perms = {"doc:read", "doc:v" + std::to_string(++role_n_)};
    return Done("role change", instance_->authz.PutRole("reader", perms).has_value());
  }
  std::string ChangePayload() {
    if (Pick(2) == 0 && !handles_.empty()) {
      sessions::SessionPatch patch;
      patch.access_payload = boost::json::object{{"tier", Pick(3)}};
      return Done("session payload",
                  instance_->sessions.Update(Any(handles_).first, patch).has_value());
    }
    return Done(
        "user payload",
        instance_->sessions.PatchUserAccessPayload(AnyUser(), {{"plan", Pick(3)}}).has_value());
  }
  std::string RotateKey() {
    const bool revoke = Pick(2) == 0;
    return Done(revoke ? "key revoke" : "key rotate", instance_->keys.Rotate(revoke).has_value());
  }
  std::string Restart() {
    instance_.reset();
    if (sqlite_) {
      store_.reset();
      OpenStore();
    }
    instance_ = std::make_unique<Instance>(store(), clock_, random_);
    if (Pick(2) == 0) snapshot_ = instance_->feed.TakeSnapshot();
    return Done("restart", true);
  }
  std::string Prune() {
    const SystemTime now = clock_.Now();
    instance_->feed.Prune(now);
    // The shortest retention the server accepts: one token lifetime.
    const std::int64_t horizon = ToUnixMillis(now) - Policy().MaxAccessTokenLifetime().count();
    const bool ok = store().PruneEvents(horizon, 1'000'000).has_value() &&
                    instance_->sessions.CollectGarbage(10'000).has_value();
    return Done("prune", ok);
  }
  std::string TakeSnapshot() {
    snapshot_ = instance_->feed.TakeSnapshot();
    return Done("snapshot", true);
  }

  // True when the log still holds every event after `seq`.
  bool LogHolds(std::int64_t seq) {
    auto first = store().FirstEventSeq();
    return first && *first <= seq + 1;
  }
  void ApplyLog(revocation::RevocationState& state, std::int64_t after) {
    while (true) {
      auto page = store().ReadEvents(after, 1000);
      ASSERT_TRUE(page);
      if (page->empty()) return;
      for (const auto& r : *page) {
        auto e = revocation::Event::FromStored(r.seq, r.type, r.at, r.payload);
        ASSERT_TRUE(e) << e.error().message();
        state.Apply(*e);
        after = r.seq;
      }
    }
  }
  // The oracle: what the authoritative rows say of the token (after its signature and expiry).
  std::string StoreVerdict(const Result<std::shared_ptr<const tokens::AccessClaims>>& stateless) {
    if (!stateless) return Code(stateless.error());
    const tokens::AccessClaims& c = **stateless;
    std::optional<store::SessionRecord> session;
    bool banned = false;
    std::int64_t version = 0;
    EXPECT_TRUE(store().Read([&](store::Tx& tx) -> Status {
      GH_ASSIGN_OR_RETURN(session, tx.GetSession(c.session_handle));
      GH_ASSIGN_OR_RETURN(banned, tx.IsBanned(c.user_id));
      GH_ASSIGN_OR_RETURN(version, tx.ClaimsVersion(c.user_id));
      return OkStatus();
    }));
    if (!session || session->revoked_at || banned) return "unauthorised";
    if (c.version < version) return "try_refresh_token";
    auto keys = store().ListSigningKeys();
    EXPECT_TRUE(keys);
    if (!keys) return "store unreadable";
    for (const store::SigningKeyRecord& k : *keys) {
      if (k.kid == c.kid && k.revoked) return "try_refresh_token";
    }
    return "ok";
  }

  // Counts new events committed in the same millisecond as the event before them.
  void CountSameMillisecond() {
    auto page = store().ReadEvents(counted_seq_, 100'000);
    ASSERT_TRUE(page);
    for (const auto& r : *page) {
      if (r.seq == counted_seq_ + 1 && r.at == counted_at_) ++same_ms_events_;
      counted_seq_ = r.seq;
      counted_at_ = r.at;
    }
  }

  const std::uint64_t seed_;
  std::mt19937_64 rng_;
  SeededRandom random_;
  FakeClock clock_;
  const bool sqlite_;
  std::filesystem::path dir_;
  std::unique_ptr<store::SqliteStore> store_;
  std::unique_ptr<store::MemoryStore> memory_;
  std::unique_ptr<Instance> instance_;
  revocation::Snapshot snapshot_;
  std::vector<std::string> users_;
  std::map<std::string, std::string> passwords_;
  std::vector<Token> tokens_;
  std::vector<std::string> refresh_tokens_;
  std::vector<std::pair<std::string, std::string>> handles_;  // handle, user
  int password_n_ = 0;
  int role_n_ = 0;
  int steps_ = 0;
  std::int64_t counted_seq_ = 0;
  std::int64_t counted_at_ = -1;
  int same_ms_events_ = 0;
  std::map<std::string, int> verdicts_;
  std::map<std::string, int> done_;
};

std::uint64_t EnvOr(const char* name, std::uint64_t fallback) {
  const char* v = std::getenv(name);
  return v != nullptr ? std::strtoull(v, nullptr, 10) : fallback;
}

void RunModel(bool sqlite, std::uint64_t default_seed, int default_steps) {
  const std::uint64_t seed = EnvOr("GATEHOUSE_MODEL_SEED", default_seed);
  const int steps = static_cast<int>(EnvOr("GATEHOUSE_MODEL_STEPS", default_steps));
  SCOPED_TRACE("seed " + std::to_string(seed));
  Model model(seed, sqlite);
  for (int i = 0; i < steps && !::testing::Test::HasFailure(); ++i) model.Check(model.Step());
  ASSERT_FALSE(::testing::Test::HasFailure()) << "seed " << seed;
  EXPECT_EQ(model.steps(), steps);
  // The run reached every kind of verdict and every kind of change, and really put events into
  // the same millisecond: it could have failed.
  for (const char* verdict : {"ok", "unauthorised", "try_refresh_token"}) {
    EXPECT_GT(model.verdicts().count(verdict) ? model.verdicts().at(verdict) : 0, 10) << verdict;
  }
  for (const char* op : {"create",          "refresh",           "theft",        "revoke",
                         "revoke-all",      "revoke-all except", "ban",          "unban",
                         "password change", "password reset",    "grant",        "remove role",
                         "role change",     "session payload",   "user payload", "key revoke",
                         "key rotate",      "restart",           "prune",        "snapshot"}) {
    EXPECT_GT(model.done().count(op) ? model.done().at(op) : 0, 0) << op << " never happened";
  }
  EXPECT_GT(model.same_millisecond_events(), 10);
}

TEST(RevocationModel, MemoryStore) { RunModel(/*sqlite=*/false, 20261202, 4000); }
TEST(RevocationModel, SqliteStoreWithRealRestarts) { RunModel(/*sqlite=*/true, 9, 1500); }

}  // namespace
}  // namespace gatehouse
