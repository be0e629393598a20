#pragma once
// Feed: the one road from the event log into this process's revocation state and out to every
// subscriber (DESIGN.md "revocation", items 6-9).
//
//   service ──Store::Write──▶ rows + events, one commit ──commit listener──▶ Feed::OnCommit
//                                                          ├─▶ RevocationState::Apply (seq order)
//                                                          └─▶ EventBus ─▶ SSE, /v1/me/events
//
// The store calls the feed with each commit's events before the Write returns, so a change is
// in this process's state when the call that made it returns (item 6). Start() rebuilds the state
// from the log the same way. Another instance's commits (PostgreSQL) are read from the log when
// the store says they happened (Store::SetForeignCommitListener: NOTIFY), and a poll every `poll`
// catches up on anything no one reported. Events are applied strictly in seq order: a commit that
// arrives after a gap first reads the gap from the store. The feed's position is the last seq
// applied; everything it serves (catch-up pages, snapshots, live subscriptions) is consistent
// with that position.
//
// An event that cannot be decoded is never dropped silently: it is logged, counted
// (undecodable_events(), /metrics), skipped by the state, and every live subscriber is told to
// resync; a catch-up read that meets it answers resync too.
//
// Ownership: borrows the store, state and clock; owns the bus and its poll thread. Hooks itself
// onto the store in Start() and off again in the destructor.
// Thread-safety: all methods are safe to call concurrently.

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/clock.h"
#include "common/mutex.h"
#include "common/result.h"
#include "revocation/event.h"
#include "revocation/event_bus.h"
#include "revocation/revocation_state.h"
#include "runtime/periodic_task.h"
#include "store/store.h"

namespace gatehouse::revocation {

// The state as of one position of the feed.
struct Snapshot {
  std::string json;  // RevocationState::SnapshotJson()
  std::int64_t seq = 0;
};

// One answer of the catch-up form: events, or a resync snapshot when `after` was pruned.
struct FeedPage {
  std::vector<Event> events;
  std::int64_t last_seq = 0;       // the feed's position when answering
  std::optional<Snapshot> resync;  // set instead of events
};

// A live subscriber's start: what happened since `after` (or a snapshot), then `live`.
struct Opening {
  std::vector<Event> backlog;      // events after `after` up to `position` (user-filtered)
  std::optional<Snapshot> resync;  // set instead of a backlog when `after` was pruned
  std::int64_t position = 0;       // `live` carries the events after this
  std::shared_ptr<Subscription> live;
};

class Feed {
 public:
  struct Options {
    // Events older than this cannot change a verdict (every token they concern has expired),
    // so Start() skips them. The longest access-token lifetime plus leeway.
    Millis token_lifetime{std::chrono::minutes(10)};
    // Default: catch up every 100 ms; 0: never (tests that drive CatchUp themselves).
    Millis poll{std::chrono::milliseconds(100)};
  };

  Feed(store::Store& store, RevocationState& state, Clock& clock, Options options);
  ~Feed();
  Feed(const Feed&) = delete;
  Feed& operator=(const Feed&) = delete;

  // Called with each event as it is applied from then on, under the feed's lock, in seq order
  // (keep it short: set a flag).
  using AppliedListener = std::function<void(const Event&)>;
  void OnApplied(AppliedListener listener) {
    MutexLock lock(mu_);
    on_applied_ = std::move(listener);
  }

  // Hooks onto the store's commits, rebuilds the state from the log, starts polling.
  Status Start();
  // Applies whatever the store holds after position() (the poll; tests).
  Status CatchUp();

  std::int64_t position() const;
  Snapshot TakeSnapshot() const;

  // Events after `after`, at most `limit` (up to the position), or a resync snapshot.
  Result<FeedPage> Read(std::int64_t after, int limit);
  // Opens a live feed; `user_filter` non-empty: only that user's events (no snapshot in a
  // resync). `holder` non-empty: the user who opens it, who holds at most kMaxStreamsPerUser of
  // each kind (own events, full feed) at once (kResourceExhausted beyond); empty: an API key's.
  // A backlog longer than kMaxReplay events is a resync instead: replay is bounded.
  static constexpr std::size_t kMaxStreamsPerUser = 5;
  static constexpr int kMaxReplay = 10'000;
  Result<Opening> Follow(std::int64_t after, std::string user_filter, std::string holder = "");

  // Drops state entries no token can need any more.
  std::size_t Prune(SystemTime now) { return state_.Prune(now); }

  // OK while the feed has read the store within `bound` of `now` (its poll, a commit, a
  // notification); kUnavailable after: the state may lack another instance's changes.
  Status Heard(SystemTime now, Millis bound) const;

  std::uint64_t undecodable_events() const { return undecodable_.load(); }
  std::size_t subscribers() const { return bus_->subscribers(); }

 private:
  void OnCommit(const std::vector<store::EventRecord>& committed);
  // Decodes, applies and publishes the `records` after position_, which they must follow
  // without a gap; events older than `horizon` only move the position.
  void ApplyLocked(const std::vector<store::EventRecord>& records, std::int64_t horizon)
      REQUIRES(mu_);
  Status CatchUpLocked() REQUIRES(mu_);
  // The events in (after, until], oldest first, at most `limit`, those of `user_id` only when it
  // is set. Sets `resync` (and stops) where the next event is missing from the log (pruned) or
  // cannot be decoded, and when `after` is ahead of `until`.
  Result<std::vector<Event>> ReadDecoded(std::int64_t after, std::int64_t until, int limit,
                                         const std::string& user_id, bool& resync,
                                         bool resync_if_limited = false);

  store::Store& store_;
  RevocationState& state_;
  Clock& clock_;
  const Options options_;
  const std::shared_ptr<EventBus> bus_ = EventBus::Create();
  std::atomic<std::uint64_t> undecodable_{0};
  std::atomic<std::int64_t> heard_at_ms_{0};  // the last read of the store that succeeded
  AppliedListener on_applied_ GUARDED_BY(mu_);

  mutable Mutex mu_;  // serialises applying; position_ and the state move together under it
  std::int64_t position_ GUARDED_BY(mu_) = 0;
  bool started_ GUARDED_BY(mu_) = false;
  std::unique_ptr<PeriodicTask> poll_;
};

}  // namespace gatehouse::revocation
