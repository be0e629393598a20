// Every error path of the session service, reached by failing the Nth store call: each failing
// call answers kUnavailable (never a crash), and the store is left consistent — no half-written
// session, no dangling refresh token — with the service fully usable afterwards.
#include <gtest/gtest.h>

#include <filesystem>

#include "sessions/test_fixture.h"
#include "store/fault_injecting_store.h"
#include "store/postgres/postgres_store.h"
#include "store/postgres/test_database.h"
#include "store/sql/sql_tx.h"
#include "store/sqlite/sqlite_db.h"
#include "store/sqlite/sqlite_store.h"

namespace gatehouse::sessions {
namespace {

using store::MemoryStore;

// Reads every session and token of the backend into one snapshot.
using Snapshot = MemoryStore::State;

Snapshot ReadSql(store::sql::Connection* db) {
  Snapshot snap;
  auto* q = db->Prepare("SELECT " + std::string(store::kSessionColumns) + " FROM sessions").value();
  while (q->Step().value()) {
    store::SessionRecord s = store::ReadSessionRow(*q);
    snap.sessions[s.handle] = s;
  }
  auto* t = db->Prepare("SELECT hash, session_handle, state FROM refresh_tokens").value();
  while (t->Step().value()) {
    snap.tokens[t->Blob(0)] = {.hash = t->Blob(0),
                               .session_handle = t->Text(1),
                               .state = static_cast<store::RefreshState>(t->Int(2))};
  }
  db->ResetAll();
  return snap;
}

// The backends: "memory", "sqlite", and "postgres" when `make test` runs with a server.
std::vector<std::string> Backends() {
  std::vector<std::string> out{"memory", "sqlite"};
  if (store::TestPostgresUrl()) out.push_back("postgres");
  return out;
}

void ExpectConsistent(const Snapshot& snap, int n) {
  for (const auto& [handle, s] : snap.sessions) {
    auto it = snap.tokens.find(s.refresh_hash);
    ASSERT_NE(it, snap.tokens.end()) << "fault " << n << ": session without its committed token";
    EXPECT_EQ(it->second.state, store::RefreshState::kCommitted) << "fault " << n;
    EXPECT_EQ(it->second.session_handle, handle) << "fault " << n;
  }
  int committed = 0;
  for (const auto& [hash, t] : snap.tokens) {
    EXPECT_TRUE(snap.sessions.contains(t.session_handle)) << "fault " << n << ": dangling token";
    if (t.state == store::RefreshState::kCommitted) ++committed;
  }
  EXPECT_EQ(committed, static_cast<int>(snap.sessions.size())) << "fault " << n;
}

struct Outcome {
  bool completed = true;
  std::optional<IssuedSession> last;  // the last session state a client holds
  bool ended = false;                 // true once a step that ends `last`'s session committed
};

// The scenario: every operation that writes. Stops at the first failure, which must be 503-ish.
Outcome RunScenario(SessionService& svc, int n) {
  Outcome out;
  auto check = [&](const auto& r) {
    if (r) return true;
    EXPECT_EQ(r.error().code(), ErrorCode::kUnavailable)
        << "fault " << n << ": " << r.error().message();
    out.completed = false;
    return false;
  };
  auto other = svc.Create({.user_id = "u", .session_data = {{"k", 1}}});
  if (!check(other)) return out;
  auto s = svc.Create({.user_id = "u", .access_payload = {{"p", 1}}});
  if (!check(s)) return out;
  out.last = *s;
  auto r1 = svc.Refresh(s->refresh_token);
  if (!check(r1)) return out;
  out.last = *r1;
  auto r2 = svc.Refresh(r1->refresh_token);  // promotes r1
  if (!check(r2)) return out;
  out.last = *r2;
  if (!check(svc.Verify(r2->access_token, VerifyMode::kStrict))) return out;
  SessionPatch patch;
  patch.session_data = boost::json::object{{"x", 1}};
  patch.access_payload = boost::json::object{{"p", nullptr}};
  if (!check(svc.Update(s->session.handle, patch))) return out;
  if (!check(svc.PatchUserAccessPayload("u", {{"q", 2}}))) return out;
  if (!check(svc.ListLive("u"))) return out;
  if (!check(svc.Get(s->session.handle))) return out;
  if (!check(svc.RevokeAll("u", s->session.handle))) return out;
  if (!check(svc.Revoke(other->session.handle))) return out;
  // A superseded token: theft, which still writes (the revocation).
  auto theft = svc.Refresh(s->refresh_token);
  if (!theft && theft.error().reason() == reason::kTokenTheftDetected) {
    out.ended = true;  // the detection committed: the session is over
  } else if (!check(theft)) {
    return out;
  }
  if (!check(svc.Ban("u", "test"))) return out;
  if (!check(svc.Unban("u"))) return out;
  return out;
}

class FaultInjection : public ::testing::TestWithParam<std::string> {};

TEST_P(FaultInjection, EveryStoreFailureLeavesAConsistentStore) {
  const auto dir = std::filesystem::temp_directory_path() /
                   ("gh-faults-" + GetParam() + "-" + std::to_string(::getpid()));
  int failures_seen = 0;
  for (int n = 1; n < 500; ++n) {
    std::filesystem::remove_all(dir);
    std::filesystem::create_directories(dir);
    const std::string path = (dir / "f.db").string();
    std::string postgres;  // this round's database
    std::unique_ptr<store::Store> inner;
    if (GetParam() == "sqlite") {
      inner = std::move(store::SqliteStore::Open(path)).value();
    } else if (GetParam() == "postgres") {
      postgres = store::FreshTestDatabase(*store::TestPostgresUrl()).value();
      inner = std::move(store::PostgresStore::Open(postgres)).value();
    } else {
      inner = std::make_unique<MemoryStore>();
    }
    store::FaultInjectingStore faulty(*inner);
    testing::ServiceFixture f({}, &faulty, inner.get());
    faulty.FailAt(n);
    Outcome out = RunScenario(f.service(), n);
    const bool tripped = faulty.calls() >= n;
    faulty.FailAt(0);
    if (!tripped) {
      EXPECT_TRUE(out.completed);
      EXPECT_GT(failures_seen, 20);  // the scenario really reached many error paths
      break;
    }
    EXPECT_FALSE(out.completed) << "fault " << n << " was swallowed";
    ++failures_seen;
    Snapshot snap;
    if (GetParam() == "sqlite") {
      snap = ReadSql(store::SqliteDb::Open(path).value().get());
    } else if (GetParam() == "postgres") {
      snap = ReadSql(store::PgConnection::Open(postgres).value().get());
    } else {
      snap = static_cast<MemoryStore&>(*inner).Snapshot();
    }
    ExpectConsistent(snap, n);
    if (out.last) {
      // Exactly one outcome: the client's newest tokens still work unless a step that ends its
      // session had committed before the fault — a fault never ends a session by itself.
      auto again = f.service().Refresh(out.last->refresh_token);
      if (out.ended) {
        ASSERT_FALSE(again) << "fault " << n;
        EXPECT_EQ(again.error().code(), ErrorCode::kUnauthenticated) << "fault " << n;
      } else {
        EXPECT_TRUE(again) << "fault " << n << ": " << again.error().message();
      }
    }
  }
  std::filesystem::remove_all(dir);
}

INSTANTIATE_TEST_SUITE_P(Backends, FaultInjection, ::testing::ValuesIn(Backends()),
                         [](const auto& p) { return p.param; });

}  // namespace
}  // namespace gatehouse::sessions
