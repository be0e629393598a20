#include "revocation/revocation_state.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

#include "common/fake_clock.h"
#include "revocation/event.h"

namespace gatehouse::revocation {
namespace {

using std::chrono::milliseconds;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(RevocationState, RevokedHandleIsRefused) {
  FakeClock clock;
  RevocationState state(minutes(11));
  const TokenFacts token{
      .user_id = "u", .session_handle = "h1", .issued_at_s = ToUnixSeconds(clock.Now())};
  EXPECT_EQ(state.Check(token), Verdict::kValid);
  state.RevokeSession("h1", clock.Now());
  EXPECT_EQ(state.Check(token), Verdict::kRevoked);
  EXPECT_EQ(state.Check({.user_id = "u", .session_handle = "h2", .issued_at_s = token.issued_at_s}),
            Verdict::kValid);
}

TEST(RevocationState, UserCutRefusesOlderTokensExceptOne) {
  FakeClock clock;
  RevocationState state(minutes(11));
  const std::int64_t old_iat = ToUnixSeconds(clock.Now());
  clock.Advance(seconds(3));
  state.RevokeUserSessions("u", clock.Now(), std::string("keep"));
  EXPECT_EQ(state.Check({.user_id = "u", .session_handle = "a", .issued_at_s = old_iat}),
            Verdict::kRevoked);
  EXPECT_EQ(state.Check({.user_id = "u", .session_handle = "keep", .issued_at_s = old_iat}),
            Verdict::kValid);
  EXPECT_EQ(state.Check({.user_id = "other", .session_handle = "a", .issued_at_s = old_iat}),
            Verdict::kValid);
  clock.Advance(seconds(1));
  EXPECT_EQ(
      state.Check(
          {.user_id = "u", .session_handle = "new", .issued_at_s = ToUnixSeconds(clock.Now())}),
      Verdict::kValid);  // a session signed in after the cut is untouched
}

TEST(RevocationState, EntriesExpireAfterRetention) {
  FakeClock clock;
  RevocationState state(minutes(11));
  state.RevokeSession("h1", clock.Now());
  state.RevokeUserSessions("u", clock.Now(), std::nullopt);
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
    state.RevokeSession("h" + std::to_string(i), clock.Now());
    clock.Advance(milliseconds(10));  // 100 revocations per second
    if (i % 1000 == 0) state.Prune(clock.Now());
  }
  state.Prune(clock.Now());
  EXPECT_LE(state.size(), 6001u);  // one minute of revocations at 100/s
}

TEST(RevocationEvent, RoundTripAndApply) {
  FakeClock clock;
  Event e = UserSessionsRevoked("u1", clock.Now(), std::string("h9"), clock.Now());
  e.seq = 7;
  auto back = Event::FromStored(7, e.type, e.at_ms, e.PayloadJson()).value();
  EXPECT_EQ(back.WireJson(), e.WireJson());
  EXPECT_NE(e.WireJson().find(R"("seq":7)"), std::string::npos);
  RevocationState state(minutes(11));
  SessionRevoked("h1", "u2", clock.Now()).Apply(state);
  back.Apply(state);
  const std::int64_t iat = ToUnixSeconds(clock.Now()) - 5;
  EXPECT_EQ(state.Check({.user_id = "u2", .session_handle = "h1", .issued_at_s = iat}),
            Verdict::kRevoked);
  EXPECT_EQ(state.Check({.user_id = "u1", .session_handle = "x", .issued_at_s = iat}),
            Verdict::kRevoked);
  EXPECT_EQ(state.Check({.user_id = "u1", .session_handle = "h9", .issued_at_s = iat}),
            Verdict::kValid);
}

TEST(RevocationState, TokensOfARevokedKeyMustRefreshUntilTheyCannotExist) {
  FakeClock clock;
  RevocationState state(minutes(11));
  const std::int64_t iat = ToUnixSeconds(clock.Now());
  const std::uint64_t before = state.generation();
  KeyRevoked("k1", clock.Now()).Apply(state);
  EXPECT_NE(state.generation(), before);
  EXPECT_EQ(
      state.Check({.user_id = "u", .session_handle = "h", .issued_at_s = iat, .key_id = "k1"}),
      Verdict::kStale);
  EXPECT_EQ(
      state.Check({.user_id = "u", .session_handle = "h", .issued_at_s = iat, .key_id = "k2"}),
      Verdict::kValid);
  EXPECT_NE(state.SnapshotJson().find(R"("revoked_keys":{"k1":)"), std::string::npos);
  clock.Advance(minutes(12));
  EXPECT_EQ(state.Prune(clock.Now()), 1u);
  EXPECT_EQ(state.size(), 0u);
}

TEST(RevocationState, OlderClaimsVersionsMustRefresh) {
  FakeClock clock;
  RevocationState state(minutes(11));
  const TokenFacts v2{.user_id = "u", .session_handle = "h", .issued_at_s = 0, .version = 2};
  EXPECT_EQ(state.Check(v2), Verdict::kValid);
  ClaimsChanged("u", 3, clock.Now()).Apply(state);
  EXPECT_EQ(state.Check(v2), Verdict::kStale);
  EXPECT_EQ(state.Check({.user_id = "u", .session_handle = "h", .version = 3}), Verdict::kValid);
  state.SetClaimsVersion("u", 1, clock.Now());  // an older event never lowers the version
  EXPECT_EQ(state.Check(v2), Verdict::kStale);
  clock.Advance(minutes(12));
  state.Prune(clock.Now());
  EXPECT_EQ(state.size(), 0u);
}

TEST(RevocationState, EveryChangeMovesTheGeneration) {
  FakeClock clock;
  RevocationState state(minutes(11));
  std::uint64_t g = state.generation();
  state.RevokeSession("h", clock.Now());
  EXPECT_GT(state.generation(), g);
  g = state.generation();
  state.RevokeUserSessions("u", clock.Now(), std::nullopt);
  EXPECT_GT(state.generation(), g);
  g = state.generation();
  state.SetClaimsVersion("u", 2, clock.Now());
  EXPECT_GT(state.generation(), g);
  g = state.generation();
  EXPECT_EQ(state.Check({.user_id = "x", .session_handle = "y"}), Verdict::kValid);
  EXPECT_EQ(state.generation(), g);  // reads never move it
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
          state.RevokeSession(h, clock.Now());
        } else {
          (void)state.Check({.user_id = "u", .session_handle = h, .issued_at_s = 0});
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(state.size(), 500u);
}

}  // namespace
}  // namespace gatehouse::revocation
