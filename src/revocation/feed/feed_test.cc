#include "revocation/feed/feed.h"

#include <gtest/gtest.h>

#include <atomic>
#include <boost/json/parse.hpp>
#include <thread>
#include <vector>

#include "common/fake_clock.h"
#include "revocation/feed/event_log.h"
#include "store/memory/memory_store.h"

namespace gatehouse::revocation {
namespace {

// The state's contents, for comparing two states (map order is not part of a snapshot).
boost::json::value Contents(const RevocationState& state) {
  return boost::json::parse(state.SnapshotJson());
}

using std::chrono::minutes;

constexpr Feed::Options kOptions{.token_lifetime = minutes(11), .poll = Millis(0)};

class FeedTest : public ::testing::Test {
 protected:
  FeedTest() { EXPECT_TRUE(feed_.Start()); }

  Status Commit(const std::vector<Event>& events) {
    return store_.Write([&](store::Tx& tx) { return AppendEvents(tx, events); });
  }
  Status Revoke(const std::string& handle) {
    return Commit({SessionRevoked(handle, "u", clock_.Now())});
  }

  FakeClock clock_;
  store::MemoryStore store_;
  RevocationState state_{minutes(11)};
  Feed feed_{store_, state_, clock_, kOptions};
};

// The write's events are in the state when the Write returns: no poll, no second writer.
TEST_F(FeedTest, CommittedEventsAreAppliedBeforeTheWriteReturns) {
  ASSERT_TRUE(Revoke("h1"));
  EXPECT_EQ(feed_.position(), 1);
  EXPECT_EQ(state_.Check({.user_id = "u", .session_handle = "h1"}), Verdict::kRevoked);
  // A write that fails commits nothing, and nothing of it reaches the state.
  EXPECT_FALSE(store_.Write([&](store::Tx& tx) -> Status {
    GH_RETURN_IF_ERROR(AppendEvent(tx, SessionRevoked("h2", "u", clock_.Now())));
    return Unavailable("rolled back");
  }));
  EXPECT_EQ(feed_.position(), 1);
  EXPECT_EQ(state_.Check({.user_id = "u", .session_handle = "h2"}), Verdict::kValid);
}

// A restarted process rebuilds the same state from the log.
TEST_F(FeedTest, RestartRebuildsTheSameState) {
  ASSERT_TRUE(Revoke("h1"));
  ASSERT_TRUE(Commit(UserBanned("u2", {"h2", "h3"}, clock_.Now())));
  ASSERT_TRUE(Commit({ClaimsChanged("u3", 2, clock_.Now()), KeyRevoked("k", clock_.Now())}));
  RevocationState rebuilt(minutes(11));
  Feed restarted(store_, rebuilt, clock_, kOptions);
  ASSERT_TRUE(restarted.Start());
  EXPECT_EQ(restarted.position(), 4);
  EXPECT_EQ(Contents(rebuilt), Contents(state_));
}

// Events that can no longer concern an unexpired token are skipped by the rebuild; the position
// still moves past them.
TEST_F(FeedTest, RestartSkipsEventsOlderThanATokenLifetime) {
  ASSERT_TRUE(Revoke("old"));
  clock_.Advance(minutes(12));
  ASSERT_TRUE(Revoke("new"));
  RevocationState rebuilt(minutes(11));
  Feed restarted(store_, rebuilt, clock_, kOptions);
  ASSERT_TRUE(restarted.Start());
  EXPECT_EQ(restarted.position(), 2);
  EXPECT_EQ(rebuilt.size(), 1u);
  EXPECT_EQ(rebuilt.Check({.user_id = "u", .session_handle = "new"}), Verdict::kRevoked);
}

// Concurrent writers may report their commits out of order (the memory store calls the listener
// outside its lock): the feed still applies every event once, in seq order.
TEST_F(FeedTest, ConcurrentWritersAreAppliedInOrderWithoutLoss) {
  auto sub = feed_.Follow(0, "").value().live;
  std::vector<std::thread> writers;
  for (int t = 0; t < 4; ++t) {
    writers.emplace_back([&, t] {
      for (int i = 0; i < 50; ++i) ASSERT_TRUE(Revoke("h" + std::to_string(t * 100 + i)));
    });
  }
  for (auto& w : writers) w.join();
  EXPECT_EQ(feed_.position(), 200);
  EXPECT_EQ(state_.size(), 200u);
  const std::vector<Event> got = sub->Take();
  ASSERT_EQ(got.size(), 200u);
  for (std::size_t i = 0; i < got.size(); ++i) EXPECT_EQ(got[i].seq, std::int64_t(i + 1));
}

// An event nobody can decode is counted, skipped by the state, and turned into a resync for
// every subscriber and for a catch-up reader that reaches it, never silently dropped.
TEST_F(FeedTest, AnUndecodableEventIsCountedAndMakesSubscribersResync) {
  ASSERT_TRUE(Revoke("h1"));
  Opening opening = feed_.Follow(1, "").value();
  ASSERT_TRUE(store_.Write([](store::Tx& tx) {
    return tx.AppendEvent({.type = "from_the_future", .at = 1, .payload = "{}"}).status();
  }));
  ASSERT_TRUE(Revoke("h3"));
  EXPECT_EQ(feed_.undecodable_events(), 1u);
  EXPECT_EQ(feed_.position(), 3);
  EXPECT_TRUE(opening.live->TakeResync());
  EXPECT_EQ(state_.Check({.user_id = "u", .session_handle = "h3"}), Verdict::kRevoked);

  FeedPage page = feed_.Read(0, 100).value();
  ASSERT_EQ(page.events.size(), 1u);  // up to the bad one
  EXPECT_FALSE(page.resync);
  page = feed_.Read(1, 100).value();
  ASSERT_TRUE(page.resync);
  EXPECT_EQ(page.last_seq, 3);
  EXPECT_EQ(page.resync->json, state_.SnapshotJson());
  EXPECT_EQ(feed_.Read(2, 100).value().events.size(), 1u);  // after it, events again
}

// A reader whose position was pruned from the log gets a snapshot as of a seq, and resumes
// after that seq.
TEST_F(FeedTest, PrunedPositionsGetASnapshotConsistentWithItsSeq) {
  ASSERT_TRUE(Revoke("h1"));
  ASSERT_TRUE(Revoke("h2"));
  ASSERT_EQ(store_.PruneEvents(ToUnixMillis(clock_.Now()) + 1, 1).value(), 1);
  FeedPage page = feed_.Read(0, 100).value();
  ASSERT_TRUE(page.resync);
  EXPECT_EQ(page.resync->seq, 2);
  RevocationState follower(minutes(11));
  ASSERT_TRUE(follower.LoadSnapshot(page.resync->json));
  ASSERT_TRUE(Revoke("h3"));
  const FeedPage after = feed_.Read(page.resync->seq, 100).value();
  for (const Event& e : after.events) follower.Apply(e);
  EXPECT_EQ(Contents(follower), Contents(state_));
  // The same for a live follower.
  Opening opening = feed_.Follow(0, "").value();
  ASSERT_TRUE(opening.resync);
  EXPECT_EQ(opening.position, 3);
  EXPECT_TRUE(opening.backlog.empty());
  // A subscriber already in step is not told to resync.
  EXPECT_FALSE(feed_.Read(3, 100).value().resync);
  EXPECT_TRUE(feed_.Read(3, 100).value().events.empty());
}

// A position ahead of the log (e.g. the database was restored from a backup) is told to resync,
// never left waiting for events that will carry other meanings.
TEST_F(FeedTest, APositionAheadOfTheLogIsToldToResync) {
  ASSERT_TRUE(Revoke("h1"));
  FeedPage page = feed_.Read(1000, 100).value();
  ASSERT_TRUE(page.resync);
  EXPECT_EQ(page.last_seq, 1);
  Opening opening = feed_.Follow(1000, "").value();
  ASSERT_TRUE(opening.resync);
  EXPECT_EQ(opening.position, 1);
  EXPECT_FALSE(feed_.Read(1, 100).value().resync);
}

// Replay is bounded: a backlog longer than kMaxReplay is a resync, not a flood of events.
TEST_F(FeedTest, ALongBacklogIsAResyncNotAReplay) {
  std::vector<Event> many;
  for (int i = 0; i <= Feed::kMaxReplay; ++i) {
    many.push_back(SessionRevoked("h" + std::to_string(i), "u", clock_.Now()));
  }
  ASSERT_TRUE(Commit(many));
  Opening all = feed_.Follow(0, "").value();
  ASSERT_TRUE(all.resync);
  EXPECT_TRUE(all.backlog.empty());
  EXPECT_EQ(all.position, Feed::kMaxReplay + 1);
  Opening recent = feed_.Follow(2, "").value();  // less than kMaxReplay behind: replayed
  EXPECT_FALSE(recent.resync);
  EXPECT_EQ(static_cast<int>(recent.backlog.size()), Feed::kMaxReplay - 1);
}

// One user holds at most kMaxStreamsPerUser live subscriptions of each kind (own events, the
// full feed an admin's session opens); an API key's full feed is not capped.
TEST_F(FeedTest, StreamsPerUserAreCapped) {
  std::vector<Opening> held;
  for (std::size_t i = 0; i < Feed::kMaxStreamsPerUser; ++i) {
    held.push_back(feed_.Follow(0, "alice", "alice").value());
    held.push_back(feed_.Follow(0, "", "alice").value());
  }
  for (const std::string filter : {"alice", ""}) {
    Result<Opening> one_more = feed_.Follow(0, filter, "alice");
    ASSERT_FALSE(one_more) << filter;
    EXPECT_EQ(one_more.error().code(), ErrorCode::kResourceExhausted);
  }
  EXPECT_TRUE(feed_.Follow(0, "bob", "bob"));
  EXPECT_TRUE(feed_.Follow(0, "", "bob"));
  for (std::size_t i = 0; i < 2 * Feed::kMaxStreamsPerUser; ++i) {
    held.push_back(feed_.Follow(0, "").value());  // API keys
  }
  held.erase(held.begin());  // one of alice's own leaves: room again for that kind
  EXPECT_TRUE(feed_.Follow(0, "alice", "alice"));
  EXPECT_FALSE(feed_.Follow(0, "", "alice"));
}

// A live follower opened while writers run sees every event exactly once: the backlog up to its
// position, then the live ones after it.
TEST_F(FeedTest, FollowMissesNothingWhileWritersRun) {
  std::atomic<bool> stop{false};
  std::thread writer([&] {
    for (int i = 0; !stop.load() && i < 2000; ++i) ASSERT_TRUE(Revoke("w" + std::to_string(i)));
  });
  while (feed_.position() < 20) std::this_thread::yield();
  Opening opening = feed_.Follow(0, "").value();
  stop = true;
  writer.join();
  std::vector<std::int64_t> seen;
  for (const Event& e : opening.backlog) seen.push_back(e.seq);
  for (const Event& e : opening.live->Take()) {
    if (e.seq > opening.position) seen.push_back(e.seq);
  }
  ASSERT_EQ(static_cast<std::int64_t>(seen.size()), feed_.position());
  for (std::size_t i = 0; i < seen.size(); ++i) EXPECT_EQ(seen[i], std::int64_t(i + 1));
}

// Follow for one user: only that user's events, and no snapshot in a resync.
TEST_F(FeedTest, FollowForOneUserFilters) {
  ASSERT_TRUE(Commit({SessionRevoked("a", "alice", clock_.Now())}));
  ASSERT_TRUE(Commit({SessionRevoked("b", "bob", clock_.Now())}));
  Opening opening = feed_.Follow(0, "alice").value();
  ASSERT_EQ(opening.backlog.size(), 1u);
  EXPECT_EQ(opening.backlog[0].user_id, "alice");
  ASSERT_TRUE(store_.PruneEvents(ToUnixMillis(clock_.Now()) + 1, 10));
  Opening late = feed_.Follow(0, "alice").value();
  ASSERT_TRUE(late.resync);
  EXPECT_TRUE(late.resync->json.empty());
}

}  // namespace
}  // namespace gatehouse::revocation
