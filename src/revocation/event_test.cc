#include "revocation/event.h"

#include <gtest/gtest.h>

#include "common/fake_clock.h"

namespace gatehouse::revocation {
namespace {

std::vector<Event> OneOfEach(SystemTime at) {
  std::vector<Event> all = {SessionRevoked("h1", "u1", at), UserUnbanned("u2", at),
                            ClaimsChanged("u3", 7, at), KeyRevoked("k1", at)};
  for (Event& e : UserSessionsRevoked("u4", {"a", "b"}, std::string("keep"), at)) all.push_back(e);
  for (Event& e : UserSessionsRevoked("u4", {}, std::nullopt, at)) all.push_back(e);
  for (Event& e : UserBanned("u5", {"c"}, at)) all.push_back(e);
  for (std::size_t i = 0; i < all.size(); ++i) all[i].seq = static_cast<std::int64_t>(i + 1);
  return all;
}

// Both framings (the store's fields column and the wire object) give back the same event.
TEST(RevocationEvent, EveryTypeRoundTripsThroughBothEncodings) {
  FakeClock clock;
  for (const Event& e : OneOfEach(clock.Now())) {
    Result<Event> stored = Event::FromStored(e.seq, e.type_name(), e.at_ms, e.FieldsJson());
    ASSERT_TRUE(stored) << e.type_name() << ": " << stored.error().message();
    EXPECT_EQ(*stored, e);
    Result<Event> wire = Event::FromWire(e.WireJson());
    ASSERT_TRUE(wire) << e.type_name() << ": " << wire.error().message();
    EXPECT_EQ(*wire, e);
  }
}

TEST(RevocationEvent, WireFormIsTheDocumentedFlatObject) {
  FakeClock clock;
  Event e = UserSessionsRevoked("u", {"a"}, std::string("k"), clock.Now())[0];
  e.seq = 9;
  const std::string at = std::to_string(ToUnixMillis(clock.Now()));
  EXPECT_EQ(e.WireJson(), R"({"seq":9,"type":"user_sessions_revoked","at":)" + at +
                              R"(,"user_id":"u","before":)" + at +
                              R"(,"except":"k","sessions":["a"]})");
  Event s = SessionRevoked("h", "u", clock.Now());
  s.seq = 10;
  EXPECT_EQ(s.WireJson(), R"({"seq":10,"type":"session_revoked","at":)" + at +
                              R"(,"user_id":"u","session_handle":"h"})");
}

// A session-ending event never grows past kMaxSessionsPerEvent handles.
TEST(RevocationEvent, ManySessionsAreSplitIntoBoundedEvents) {
  FakeClock clock;
  std::vector<std::string> ended;
  for (std::size_t i = 0; i < 2 * kMaxSessionsPerEvent + 3; ++i) {
    ended.push_back("h" + std::to_string(i));
  }
  const std::vector<Event> events = UserBanned("u", ended, clock.Now());
  ASSERT_EQ(events.size(), 3u);
  std::vector<std::string> named;
  for (const Event& e : events) {
    EXPECT_LE(e.sessions.size(), kMaxSessionsPerEvent);
    EXPECT_EQ(e.type, EventType::kUserBanned);
    named.insert(named.end(), e.sessions.begin(), e.sessions.end());
  }
  EXPECT_EQ(named, ended);
  EXPECT_EQ(UserBanned("u", {}, clock.Now()).size(), 1u);  // a ban with no session is one event
}

// Decoding is strict: no unknown type, no missing or mistyped field is read as an empty event.
TEST(RevocationEvent, MalformedEventsAreErrorsNotEmptyEvents) {
  const std::vector<std::pair<std::string, std::string>> bad = {
      {"session_revocked", R"({"user_id":"u","session_handle":"h"})"},
      {"session_revoked", R"({"user_id":"u"})"},
      {"session_revoked", R"({"user_id":"","session_handle":"h"})"},
      {"session_revoked", R"({"user_id":"u","session_handle":7})"},
      {"user_sessions_revoked", R"({"user_id":"u","before":1})"},  // the legacy cut-only form
      {"user_sessions_revoked", R"({"user_id":"u","before":1,"sessions":[1]})"},
      {"user_banned", R"({"user_id":"u"})"},
      {"claims_changed", R"({"user_id":"u","ver":"3"})"},
      {"key_revoked", R"({})"},
      {"user_unbanned", R"([])"},
      {"user_unbanned", R"({"user_id":"u",)"},
  };
  for (const auto& [type, fields] : bad) {
    EXPECT_FALSE(Event::FromStored(1, type, 0, fields)) << type << " " << fields;
  }
  EXPECT_FALSE(Event::FromWire(R"({"type":"key_revoked","at":1,"kid":"k"})"));  // no seq
  EXPECT_FALSE(Event::FromWire(R"({"seq":1,"at":1,"kid":"k"})"));               // no type
}

}  // namespace
}  // namespace gatehouse::revocation
