#include "sessions/session_service.h"

#include <gtest/gtest.h>

#include <boost/json/parse.hpp>

#include "sessions/test_fixture.h"

namespace gatehouse::sessions {
namespace {

// Every claim of a verified token, parsed from the JSON the claims keep.
boost::json::object AllClaims(const tokens::AccessClaims& claims) {
  return boost::json::parse(claims.AllJson()).as_object();
}

using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

class SessionServiceTest : public ::testing::Test {
 protected:
  SessionServiceTest() : f_(Policy()) {}
  static SessionPolicy Policy() {
    return {.access_token_ttl = minutes(10),
            .refresh_token_ttl = hours(1),
            .session_absolute_ttl = hours(3),
            .refresh_grace = seconds(30)};
  }
  SessionService& svc() { return f_.service(); }
  IssuedSession NewSession(const std::string& user = "u1") {
    return svc().Create({.user_id = user, .device = {"agent", "10.0.0.7"}}).value();
  }
  static std::string_view ReasonOf(const Result<IssuedSession>& r) {
    return r ? std::string_view("ok") : r.error().reason();
  }
  testing::ServiceFixture f_;
};

TEST_F(SessionServiceTest, CreateIssuesVerifiableTokens) {
  IssuedSession s = svc()
                        .Create({.user_id = "alice",
                                 .access_payload = {{"tenant", "acme"}},
                                 .session_data = {{"theme", "dark"}},
                                 .device = {"Firefox", "192.0.2.1"}})
                        .value();
  EXPECT_EQ(s.session.handle.size(), 22u);
  EXPECT_EQ(s.refresh_token.size(), 43u);
  EXPECT_EQ(s.session.user_agent, "Firefox");
  EXPECT_LE(s.access_expires_at_ms, ToUnixMillis(f_.clock().Now() + minutes(10)));
  EXPECT_GE(s.access_expires_at_ms, ToUnixMillis(f_.clock().Now() + minutes(9)) - 1000);
  for (auto mode : {VerifyMode::kStateless, VerifyMode::kLocal, VerifyMode::kStrict}) {
    auto claims = svc().Verify(s.access_token, mode).value();
    EXPECT_EQ(claims->user_id, "alice");
    EXPECT_EQ(claims->session_handle, s.session.handle);
    EXPECT_EQ(AllClaims(*claims).at("tenant").as_string(), "acme");
  }
  // Only the hash of the refresh token is stored.
  EXPECT_NE(s.session.refresh_hash, s.refresh_token);
  EXPECT_EQ(s.session.refresh_hash.size(), 32u);
}

TEST_F(SessionServiceTest, CreateRefusesBadInput) {
  EXPECT_EQ(svc().Create({.user_id = ""}).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(svc().Create({.user_id = std::string(257, 'x')}).error().code(),
            ErrorCode::kInvalidArgument);
  EXPECT_TRUE(svc().Create({.user_id = std::string(256, 'x')}));
  for (const char* reserved : {"sub", "exp", "roles", "ver", "sid"}) {
    auto r = svc().Create({.user_id = "u", .access_payload = {{reserved, 1}}});
    ASSERT_FALSE(r) << reserved;
    EXPECT_EQ(r.error().code(), ErrorCode::kInvalidArgument);
  }
}

// Rotation table, row 1: the committed token stays usable (a lost response never signs out).
TEST_F(SessionServiceTest, CommittedTokenStaysUsable) {
  IssuedSession s = NewSession();
  auto r1 = svc().Refresh(s.refresh_token);  // response "lost"
  ASSERT_TRUE(r1);
  auto r2 = svc().Refresh(s.refresh_token);
  ASSERT_TRUE(r2);
  EXPECT_NE(r1->refresh_token, r2->refresh_token);
  EXPECT_TRUE(svc().Refresh(r2->refresh_token));  // the newest child still works
}

// Row 2: a pending child is promoted; its parent is then superseded.
TEST_F(SessionServiceTest, PendingChildIsPromoted) {
  IssuedSession s = NewSession();
  IssuedSession child = svc().Refresh(s.refresh_token).value();
  IssuedSession grandchild = svc().Refresh(child.refresh_token).value();
  EXPECT_TRUE(svc().Refresh(child.refresh_token));  // now the committed one
  EXPECT_TRUE(svc().Refresh(grandchild.refresh_token));
}

// Row 3: a sibling of the committed token within the grace window.
TEST_F(SessionServiceTest, SiblingWithinGraceIsAccepted) {
  IssuedSession s = NewSession();
  IssuedSession tab_a = svc().Refresh(s.refresh_token).value();
  IssuedSession tab_b = svc().Refresh(s.refresh_token).value();
  ASSERT_TRUE(svc().Refresh(tab_a.refresh_token));  // promotes tab A's token
  f_.clock().Advance(seconds(29));
  auto b = svc().Refresh(tab_b.refresh_token);
  ASSERT_TRUE(b) << b.error().message();
  EXPECT_TRUE(svc().Verify(b->access_token, VerifyMode::kLocal));
}

// Row 3 past the grace window falls to row 4: theft.
TEST_F(SessionServiceTest, SiblingAfterGraceIsTheft) {
  IssuedSession s = NewSession();
  IssuedSession tab_a = svc().Refresh(s.refresh_token).value();
  IssuedSession tab_b = svc().Refresh(s.refresh_token).value();
  IssuedSession a2 = svc().Refresh(tab_a.refresh_token).value();
  f_.clock().Advance(seconds(31));
  auto b = svc().Refresh(tab_b.refresh_token);
  ASSERT_FALSE(b);
  EXPECT_EQ(b.error().reason(), reason::kTokenTheftDetected);
  EXPECT_FALSE(svc().Refresh(a2.refresh_token));  // the whole session is gone
}

// A thief replaying the committed token cannot push the victim's pending child out: below the
// cap the victim's child survives every trim (and its use then catches the thief); at the cap the
// replay itself is theft and the session ends. Rows per session stay bounded.
TEST_F(SessionServiceTest, FloodingTheCommittedTokenCannotEscapeTheftDetection) {
  IssuedSession s = NewSession();
  IssuedSession victim = svc().Refresh(s.refresh_token).value();  // the victim's pending child
  for (int i = 0; i < 14; ++i) ASSERT_TRUE(svc().Refresh(s.refresh_token)) << i;
  ASSERT_TRUE(svc().Refresh(victim.refresh_token));  // still there: promoted
  EXPECT_EQ(svc().Refresh(s.refresh_token).error().reason(), reason::kTokenTheftDetected);

  IssuedSession t = NewSession();
  ASSERT_TRUE(svc().Refresh(t.refresh_token));
  int refreshed = 0;
  Result<IssuedSession> last = Unauthenticated("none");
  for (int i = 0; i < 60; ++i) {
    last = svc().Refresh(t.refresh_token);
    if (!last) break;
    ++refreshed;
  }
  EXPECT_EQ(refreshed, 15);  // 16 children at most, the victim's among them
  EXPECT_EQ(last.error().reason(), reason::kTokenTheftDetected);
  EXPECT_EQ(svc().Refresh(t.refresh_token).error().reason(), "");  // the session has ended
  EXPECT_LE(f_.memory().Stats()->refresh_tokens, 2 + 2 * 16 + 16);
}

// Row 4: reuse of a superseded token after promotion revokes the session.
TEST_F(SessionServiceTest, SupersededReuseIsTheftAndRevokesEverything) {
  IssuedSession victim = NewSession();
  IssuedSession stolen_copy = victim;  // the attacker copied the first refresh token
  IssuedSession next = svc().Refresh(victim.refresh_token).value();
  IssuedSession after = svc().Refresh(next.refresh_token).value();  // promotes; original superseded
  auto attack = svc().Refresh(stolen_copy.refresh_token);
  ASSERT_FALSE(attack);
  EXPECT_EQ(attack.error().reason(), reason::kTokenTheftDetected);
  ASSERT_EQ(attack.error().fields().size(), 2u);
  EXPECT_EQ(attack.error().fields()[0].second, victim.session.handle);
  EXPECT_EQ(attack.error().fields()[1].second, "u1");
  // Both the attacker's and the victim's tokens are refused from now on.
  EXPECT_EQ(ReasonOf(svc().Refresh(after.refresh_token)), "");
  EXPECT_FALSE(svc().Verify(after.access_token, VerifyMode::kLocal));
  EXPECT_FALSE(svc().Verify(after.access_token, VerifyMode::kStrict));
  EXPECT_EQ(svc().counters().theft.load(), 1u);
  auto audit = f_.memory().ListAudit("u1", 0, 10).value();
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit[0].type, "token_theft_detected");
}

TEST_F(SessionServiceTest, TheftPolicyCanEndEveryUserSession) {
  SessionPolicy policy;
  policy.security.theft = TheftScope::kAllOfUser;
  testing::ServiceFixture f(policy);
  IssuedSession victim = f.service().Create({.user_id = "u"}).value();
  IssuedSession other = f.service().Create({.user_id = "u"}).value();
  IssuedSession next = f.service().Refresh(victim.refresh_token).value();
  ASSERT_TRUE(f.service().Refresh(next.refresh_token));  // promotes; the original is superseded
  EXPECT_EQ(f.service().Refresh(victim.refresh_token).error().reason(),
            reason::kTokenTheftDetected);
  EXPECT_FALSE(f.service().Verify(other.access_token, VerifyMode::kLocal));  // all of the user's
  EXPECT_NE(policy.security.TableJson().find("\"all of the user's\""), std::string::npos);
  EXPECT_NE(SessionPolicy{}.security.TableJson().find("\"that session\""), std::string::npos);
}

TEST_F(SessionServiceTest, StrictGraceZeroMakesAnySiblingTheft) {
  testing::ServiceFixture strict({.refresh_grace = seconds(0)});
  IssuedSession s = strict.service().Create({.user_id = "u"}).value();
  IssuedSession a = strict.service().Refresh(s.refresh_token).value();
  IssuedSession b = strict.service().Refresh(s.refresh_token).value();
  ASSERT_TRUE(strict.service().Refresh(a.refresh_token));
  EXPECT_EQ(strict.service().Refresh(b.refresh_token).error().reason(),
            reason::kTokenTheftDetected);
}

// Row 5: unknown token or ended session.
TEST_F(SessionServiceTest, UnknownTokenAndEndedSession) {
  auto unknown = svc().Refresh("not-a-token");
  ASSERT_FALSE(unknown);
  EXPECT_EQ(unknown.error().code(), ErrorCode::kUnauthenticated);
  EXPECT_EQ(unknown.error().reason(), "");
  EXPECT_FALSE(svc().Refresh(""));
  IssuedSession s = NewSession();
  ASSERT_TRUE(svc().Revoke(s.session.handle).value());
  EXPECT_EQ(ReasonOf(svc().Refresh(s.refresh_token)), "");
}

TEST_F(SessionServiceTest, RevokeIsSeenByTheNextVerify) {
  IssuedSession s = NewSession();
  ASSERT_TRUE(svc().Verify(s.access_token, VerifyMode::kLocal));  // now cached
  EXPECT_TRUE(svc().Revoke(s.session.handle).value());
  EXPECT_FALSE(svc().Revoke(s.session.handle).value());  // already ended
  EXPECT_EQ(svc().Revoke("missing").error().code(), ErrorCode::kNotFound);
  EXPECT_FALSE(svc().Verify(s.access_token, VerifyMode::kLocal));
  EXPECT_FALSE(svc().Verify(s.access_token, VerifyMode::kStrict));
  EXPECT_TRUE(svc().Verify(s.access_token, VerifyMode::kStateless));  // by definition
  auto events = f_.memory().ReadEvents(0, 10).value();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "session_revoked");
}

TEST_F(SessionServiceTest, InactivityAndAbsoluteExpiry) {
  IssuedSession s = NewSession();
  f_.clock().Advance(minutes(59));
  IssuedSession r = svc().Refresh(s.refresh_token).value();  // slides the idle window
  f_.clock().Advance(minutes(59));
  r = svc().Refresh(r.refresh_token).value();
  f_.clock().Advance(hours(1) + seconds(1));  // idle too long
  EXPECT_FALSE(svc().Refresh(r.refresh_token));

  IssuedSession busy = NewSession();
  for (int i = 0; i < 5; ++i) {
    f_.clock().Advance(minutes(30));
    busy = svc().Refresh(busy.refresh_token).value();
  }
  EXPECT_EQ(busy.refresh_expires_at_ms, busy.session.absolute_expires_at);
  f_.clock().Advance(minutes(30));  // 3 h after creation: absolute lifetime over
  EXPECT_FALSE(svc().Refresh(busy.refresh_token));
  EXPECT_EQ(svc().ListLive("u1")->size(), 0u);
}

TEST_F(SessionServiceTest, ListAndRevokeAllExcept) {
  IssuedSession a = NewSession();
  f_.clock().Advance(seconds(1));
  IssuedSession b = NewSession();
  f_.clock().Advance(seconds(1));
  IssuedSession c = NewSession();
  NewSession("someone-else");
  auto live = svc().ListLive("u1").value();
  ASSERT_EQ(live.size(), 3u);
  EXPECT_EQ(live[0].handle, c.session.handle);  // newest first
  EXPECT_EQ(svc().RevokeAll("u1", b.session.handle).value(), 2);
  EXPECT_FALSE(svc().Verify(a.access_token, VerifyMode::kLocal));
  EXPECT_TRUE(svc().Verify(b.access_token, VerifyMode::kLocal));
  EXPECT_FALSE(svc().Verify(c.access_token, VerifyMode::kLocal));
  EXPECT_FALSE(svc().Refresh(c.refresh_token));
  EXPECT_TRUE(svc().Refresh(b.refresh_token));
  EXPECT_EQ(svc().ListLive("someone-else")->size(), 1u);
}

TEST_F(SessionServiceTest, UpdateMergesAndDeletes) {
  IssuedSession s = svc()
                        .Create({.user_id = "u",
                                 .access_payload = {{"a", 1}, {"b", 2}},
                                 .session_data = {{"x", "y"}}})
                        .value();
  SessionPatch patch;
  patch.session_data = boost::json::object{{"x", nullptr}, {"z", true}};
  patch.access_payload = boost::json::object{{"b", nullptr}, {"c", 3}};
  auto updated = svc().Update(s.session.handle, patch).value();
  EXPECT_EQ(updated.session_data, R"({"z":true})");
  EXPECT_EQ(boost::json::parse(updated.access_payload), boost::json::parse(R"({"a":1,"c":3})"));
  IssuedSession refreshed = svc().Refresh(s.refresh_token).value();
  auto claims = svc().Verify(refreshed.access_token, VerifyMode::kLocal).value();
  EXPECT_EQ(AllClaims(*claims).at("c").as_int64(), 3);
  EXPECT_FALSE(AllClaims(*claims).contains("b"));

  SessionPatch reserved;
  reserved.access_payload = boost::json::object{{"iss", "evil"}};
  EXPECT_EQ(svc().Update(s.session.handle, reserved).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(svc().Update("missing", patch).error().code(), ErrorCode::kNotFound);
}

TEST_F(SessionServiceTest, PayloadChangeMakesOlderTokensRefresh) {
  IssuedSession a = NewSession("pat");
  IssuedSession b = NewSession("pat");
  ASSERT_TRUE(svc().Verify(a.access_token, VerifyMode::kLocal));
  ASSERT_EQ(svc().PatchUserAccessPayload("pat", {{"plan", "pro"}}).value(), 2);
  for (auto mode : {VerifyMode::kLocal, VerifyMode::kStrict}) {
    auto r = svc().Verify(a.access_token, mode);
    ASSERT_FALSE(r);
    EXPECT_EQ(r.error().reason(), reason::kTryRefreshToken);
  }
  EXPECT_TRUE(svc().Verify(b.access_token, VerifyMode::kStateless));  // stateless never knows
  IssuedSession fresh = svc().Refresh(a.refresh_token).value();
  auto claims = svc().Verify(fresh.access_token, VerifyMode::kStrict).value();
  EXPECT_EQ(claims->version, 1);
  EXPECT_EQ(AllClaims(*claims).at("plan").as_string(), "pro");
  auto events = f_.memory().ReadEvents(0, 10).value();
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].type, "claims_changed");
}

TEST_F(SessionServiceTest, BanEndsEverythingUntilLifted) {
  IssuedSession a = NewSession("bad"), b = NewSession("bad");
  ASSERT_TRUE(svc().Verify(a.access_token, VerifyMode::kLocal));
  EXPECT_EQ(svc().Ban("bad", "spam").value(), 2);
  for (const auto* s : {&a, &b}) {
    EXPECT_FALSE(svc().Verify(s->access_token, VerifyMode::kLocal));
    EXPECT_FALSE(svc().Verify(s->access_token, VerifyMode::kStrict));
    EXPECT_FALSE(svc().Refresh(s->refresh_token));
  }
  EXPECT_EQ(svc().Create({.user_id = "bad"}).error().code(), ErrorCode::kPermissionDenied);
  auto events = f_.memory().ReadEvents(0, 10).value();
  ASSERT_EQ(events.size(), 1u);  // a ban emits user_banned only
  EXPECT_EQ(events[0].type, "user_banned");
  EXPECT_TRUE(svc().Unban("bad").value());
  EXPECT_FALSE(svc().Unban("bad").value());
  EXPECT_FALSE(svc().Refresh(a.refresh_token));  // old sessions stay dead
  f_.clock().Advance(std::chrono::seconds(2));
  IssuedSession fresh = svc().Create({.user_id = "bad"}).value();
  EXPECT_TRUE(svc().Verify(fresh.access_token, VerifyMode::kLocal));
}

TEST_F(SessionServiceTest, MaxSessionsPerUserEndsTheLeastRecentlyActive) {
  testing::ServiceFixture capped({.max_sessions_per_user = 2});
  SessionService& svc = capped.service();
  IssuedSession first = svc.Create({.user_id = "u"}).value();
  capped.clock().Advance(seconds(1));
  IssuedSession second = svc.Create({.user_id = "u"}).value();
  capped.clock().Advance(seconds(1));
  ASSERT_TRUE(svc.Refresh(first.refresh_token));  // first is now the most recently active
  capped.clock().Advance(seconds(1));
  IssuedSession third = svc.Create({.user_id = "u"}).value();
  EXPECT_EQ(svc.ListLive("u")->size(), 2u);
  EXPECT_FALSE(svc.Verify(second.access_token, VerifyMode::kLocal));
  EXPECT_TRUE(svc.Verify(third.access_token, VerifyMode::kLocal));
}

TEST_F(SessionServiceTest, GarbageCollectorRemovesDeadRows) {
  IssuedSession dead = NewSession();
  IssuedSession live = NewSession();
  ASSERT_TRUE(svc().Refresh(dead.refresh_token));
  ASSERT_TRUE(svc().Revoke(dead.session.handle).value());
  EXPECT_EQ(svc().CollectGarbage(100).value(), 0);  // revoked too recently: tokens may be live
  f_.clock().Advance(minutes(11));
  EXPECT_EQ(svc().CollectGarbage(100).value(), 1);
  EXPECT_EQ(svc().Get(dead.session.handle).error().code(), ErrorCode::kNotFound);
  EXPECT_TRUE(svc().Get(live.session.handle));
  EXPECT_EQ(f_.memory().Stats()->refresh_tokens, 1);
  f_.feed().Prune(f_.clock().Now());
  EXPECT_EQ(f_.revocations().size(), 0u);  // the revocation entry aged out too
}

TEST_F(SessionServiceTest, RevocationsSurviveARestart) {
  IssuedSession s = NewSession();
  ASSERT_TRUE(svc().Revoke(s.session.handle).value());
  // A new service over the same store starts with an empty state and restores it from the feed.
  testing::ServiceFixture restarted({}, &f_.memory());
  EXPECT_EQ(restarted.feed().position(), 1);
  EXPECT_EQ(restarted.revocations().Check({.user_id = "u1", .session_handle = s.session.handle}),
            revocation::Verdict::kRevoked);
  EXPECT_FALSE(restarted.service().Verify(s.access_token, VerifyMode::kLocal));
}

}  // namespace
}  // namespace gatehouse::sessions
