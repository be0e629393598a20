#include "revocation/revocation_state.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>
#include <thread>
#include <vector>

#include "common/fake_clock.h"
#include "revocation/event.h"

namespace gatehouse::revocation {
namespace {

// The state's contents, for comparing two states (map order is not part of a snapshot).
boost::json::value Contents(const RevocationState& state) {
  return boost::json::parse(state.SnapshotJson());
}

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(RevocationState, RevokedHandleIsRefused) {
  FakeClock clock;
  RevocationState state(minutes(11));
  const TokenFacts token{.user_id = "u", .session_handle = "h1"};
  EXPECT_EQ(state.Check(token), Verdict::kValid);
  state.Apply(SessionRevoked("h1", "u", clock.Now()));
  EXPECT_EQ(state.Check(token), Verdict::kRevoked);
  EXPECT_EQ(state.Check({.user_id = "u", .session_handle = "h2"}), Verdict::kValid);
}

// A revoke-all names the sessions it ended: those are refused, whenever their tokens were
// issued; the kept one and sessions signed in later (even in the same millisecond) are not.
TEST(RevocationState, RevokeAllRefusesExactlyTheSessionsItNames) {
  FakeClock clock;
  RevocationState state(minutes(11));
  for (const Event& e : UserSessionsRevoked("u", {"a", "b"}, std::string("keep"), clock.Now())) {
    state.Apply(e);
  }
  EXPECT_EQ(state.Check({.user_id = "u", .session_handle = "a"}), Verdict::kRevoked);
  EXPECT_EQ(state.Check({.user_id = "u", .session_handle = "b"}), Verdict::kRevoked);
  EXPECT_EQ(state.Check({.user_id = "u", .session_handle = "keep"}), Verdict::kValid);
  EXPECT_EQ(state.Check({.user_id = "u", .session_handle = "new"}), Verdict::kValid);
  EXPECT_EQ(state.Check({.user_id = "other", .session_handle = "c"}), Verdict::kValid);
}

// A ban is a state of the user: every token of theirs is refused until the unban, which does not
// bring back the sessions the ban ended.
TEST(RevocationState, BanLastsUntilUnbanAndEndedSessionsStayEnded) {
  FakeClock clock;
  RevocationState state(minutes(11));
  for (const Event& e : UserBanned("u", {"a"}, clock.Now())) state.Apply(e);
  EXPECT_EQ(state.Check({.user_id = "u", .session_handle = "a"}), Verdict::kRevoked);
  EXPECT_EQ(state.Check({.user_id = "u", .session_handle = "any"}), Verdict::kRevoked);
  clock.Advance(milliseconds(1));
  state.Apply(UserUnbanned("u", clock.Now()));
  EXPECT_EQ(state.Check({.user_id = "u", .session_handle = "a"}), Verdict::kRevoked);
  EXPECT_EQ(state.Check({.user_id = "u", .session_handle = "after"}), Verdict::kValid);
}

TEST(RevocationState, EntriesExpireAfterRetention) {
  FakeClock clock;
  RevocationState state(minutes(11));
  state.Apply(SessionRevoked("h1", "u", clock.Now()));
  for (const Event& e : UserBanned("u2", {}, clock.Now())) state.Apply(e);
  EXPECT_EQ(state.size(), 2u);
  clock.Advance(minutes(10));
  EXPECT_EQ(state.Prune(clock.Now()), 0u);
  clock.Advance(minutes(1) + milliseconds(1));
  EXPECT_EQ(state.Prune(clock.Now()), 2u);
  EXPECT_EQ(state.size(), 0u);
}

TEST(RevocationState, SizeIsBoundedByTimeNotSessions) {
  FakeClock clock;
  RevocationState state(minutes(1));
  for (int i = 0; i < 100'000; ++i) {
    state.Apply(SessionRevoked("h" + std::to_string(i), "u", clock.Now()));
    clock.Advance(milliseconds(10));  // 100 revocations per second
    if (i % 1000 == 0) state.Prune(clock.Now());
  }
  state.Prune(clock.Now());
  EXPECT_LE(state.size(), 6001u);  // one minute of revocations at 100/s
}

TEST(RevocationState, TokensOfARevokedKeyMustRefreshUntilTheyCannotExist) {
  FakeClock clock;
  RevocationState state(minutes(11));
  const std::uint64_t before = state.generation();
  state.Apply(KeyRevoked("k1", clock.Now()));
  EXPECT_NE(state.generation(), before);
  EXPECT_EQ(state.Check({.user_id = "u", .session_handle = "h", .key_id = "k1"}), Verdict::kStale);
  EXPECT_EQ(state.Check({.user_id = "u", .session_handle = "h", .key_id = "k2"}), Verdict::kValid);
  EXPECT_NE(state.SnapshotJson().find(R"("revoked_keys":{"k1":)"), std::string::npos);
  clock.Advance(minutes(12));
  EXPECT_EQ(state.Prune(clock.Now()), 1u);
  EXPECT_EQ(state.size(), 0u);
}

TEST(RevocationState, OlderClaimsVersionsMustRefresh) {
  FakeClock clock;
  RevocationState state(minutes(11));
  const TokenFacts v2{.user_id = "u", .session_handle = "h", .version = 2};
  EXPECT_EQ(state.Check(v2), Verdict::kValid);
  state.Apply(ClaimsChanged("u", 3, clock.Now()));
  EXPECT_EQ(state.Check(v2), Verdict::kStale);
  EXPECT_EQ(state.Check({.user_id = "u", .session_handle = "h", .version = 3}), Verdict::kValid);
  state.Apply(ClaimsChanged("u", 1, clock.Now()));  // an older event never lowers the version
  EXPECT_EQ(state.Check(v2), Verdict::kStale);
  clock.Advance(minutes(12));
  state.Prune(clock.Now());
  EXPECT_EQ(state.size(), 0u);
}

TEST(RevocationState, EveryAppliedEventMovesTheGeneration) {
  FakeClock clock;
  RevocationState state(minutes(11));
  std::uint64_t g = state.generation();
  const std::vector<Event> events = {
      SessionRevoked("h", "u", clock.Now()), UserSessionsRevoked("u", {}, {}, clock.Now())[0],
      UserBanned("u", {}, clock.Now())[0],   UserUnbanned("u", clock.Now()),
      ClaimsChanged("u", 2, clock.Now()),    KeyRevoked("k", clock.Now())};
  for (const Event& e : events) {
    state.Apply(e);
    EXPECT_GT(state.generation(), g) << e.type_name();
    g = state.generation();
  }
  EXPECT_EQ(state.Check({.user_id = "x", .session_handle = "y"}), Verdict::kValid);
  EXPECT_EQ(state.generation(), g);  // reads never move it
  ASSERT_TRUE(state.LoadSnapshot(state.SnapshotJson()));
  EXPECT_GT(state.generation(), g);
}

// A snapshot loaded into a fresh state gives the same verdicts, and ages out the same way.
TEST(RevocationState, SnapshotRoundTrip) {
  FakeClock clock;
  RevocationState state(minutes(11));
  state.Apply(SessionRevoked("h1", "u1", clock.Now()));
  for (const Event& e : UserBanned("u2", {"h2"}, clock.Now())) state.Apply(e);
  clock.Advance(minutes(5));
  state.Apply(ClaimsChanged("u3", 4, clock.Now()));
  state.Apply(KeyRevoked("k", clock.Now()));
  RevocationState copy(minutes(11));
  ASSERT_TRUE(copy.LoadSnapshot(state.SnapshotJson()));
  EXPECT_EQ(Contents(copy), Contents(state));
  const std::vector<TokenFacts> tokens = {{.user_id = "u1", .session_handle = "h1"},
                                          {.user_id = "u2", .session_handle = "x"},
                                          {.user_id = "u3", .session_handle = "y", .version = 3},
                                          {.user_id = "u4", .key_id = "k"},
                                          {.user_id = "u4", .session_handle = "z"}};
  for (const TokenFacts& t : tokens) EXPECT_EQ(copy.Check(t), state.Check(t)) << t.user_id;
  clock.Advance(minutes(7));
  EXPECT_EQ(copy.Prune(clock.Now()), state.Prune(clock.Now()));
  EXPECT_EQ(Contents(copy), Contents(state));
}

TEST(RevocationState, BadSnapshotsAreRefusedAndChangeNothing) {
  FakeClock clock;
  RevocationState state(minutes(11));
  state.Apply(SessionRevoked("h1", "u1", clock.Now()));
  const std::string before = state.SnapshotJson();
  for (
      const char* bad :
      {"", "[]", "{}", R"({"revoked_sessions":{},"banned_users":{},"claims_versions":{}})",
       R"({"revoked_sessions":{"h":"x"},"banned_users":{},"claims_versions":{},"revoked_keys":{}})",
       R"({"revoked_sessions":{},"banned_users":{},"claims_versions":{"u":3},"revoked_keys":{}})"}) {
    EXPECT_FALSE(state.LoadSnapshot(bad)) << bad;
  }
  EXPECT_EQ(state.SnapshotJson(), before);
}

TEST(RevocationState, ConcurrentChecksAndRevocations) {
  FakeClock clock;
  RevocationState state(minutes(11));
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 5000; ++i) {
        const std::string h = "h" + std::to_string(i % 500);
        if (t == 0) {
          state.Apply(SessionRevoked(h, "u", clock.Now()));
        } else {
          (void)state.Check({.user_id = "u", .session_handle = h});
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(state.size(), 500u);
}

}  // namespace
}  // namespace gatehouse::revocation
