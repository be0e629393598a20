#include "revocation/feed/feed.h"

#include <limits>
#include <utility>

#include "runtime/log.h"

namespace gatehouse::revocation {
namespace {

constexpr int kPage = 1000;

bool ForUser(const Event& e, const std::string& user_id) {
  return user_id.empty() || e.user_id == user_id;
}

}  // namespace

Feed::Feed(store::Store& store, RevocationState& state, Clock& clock, Options options)
    : store_(store), state_(state), clock_(clock), options_(options) {}

Feed::~Feed() {
  store_.SetForeignCommitListener(nullptr);
  store_.SetCommitListener(nullptr);
  poll_.reset();
}

Status Feed::Start() {
  // Hooked first: a commit during the rebuild waits for it, then applies only what is new.
  store_.SetCommitListener(
      [this](const std::vector<store::EventRecord>& committed) { OnCommit(committed); });
  {
    MutexLock lock(mu_);
    const std::int64_t horizon = ToUnixMillis(clock_.Now()) - options_.token_lifetime.count();
    while (true) {
      GH_ASSIGN_OR_RETURN(std::vector<store::EventRecord> page,
                          store_.ReadEvents(position_, kPage));
      if (page.empty()) break;
      ApplyLocked(page, horizon);
    }
    started_ = true;
    heard_at_ms_.store(ToUnixMillis(clock_.Now()), std::memory_order_relaxed);
    spdlog::info("revocation state rebuilt from the feed up to seq {} ({} entries)", position_,
                 state_.size());
  }
  // Another instance's commits, as soon as the database says so (the poll is the fallback).
  store_.SetForeignCommitListener([this] {
    if (Status s = CatchUp(); !s) spdlog::warn("feed catch-up: {}", s.error().message());
  });
  if (options_.poll.count() <= 0) return OkStatus();
  poll_ = std::make_unique<PeriodicTask>("feed", options_.poll, [this] {
    if (Status s = CatchUp(); !s) spdlog::error("feed catch-up: {}", s.error().message());
  });
  return OkStatus();
}

void Feed::OnCommit(const std::vector<store::EventRecord>& committed) {
  MutexLock lock(mu_);
  if (!started_) return;  // Start() reads these from the log
  std::size_t i = 0;
  while (i < committed.size() && committed[i].seq <= position_) ++i;
  if (i == committed.size()) return;
  if (committed[i].seq != position_ + 1) {
    // Someone else's commit came in between (or this one arrived first): read the gap.
    if (Status s = CatchUpLocked(); !s) {
      spdlog::error("feed: reading seq {}..{} failed: {}", position_ + 1, committed[i].seq,
                    s.error().message());
    }
    return;
  }
  ApplyLocked(committed, std::numeric_limits<std::int64_t>::min());
}

Status Feed::CatchUp() {
  MutexLock lock(mu_);
  return CatchUpLocked();
}

Status Feed::CatchUpLocked() {
  while (true) {
    GH_ASSIGN_OR_RETURN(std::vector<store::EventRecord> page, store_.ReadEvents(position_, kPage));
    heard_at_ms_.store(ToUnixMillis(clock_.Now()), std::memory_order_relaxed);
    if (page.empty()) return OkStatus();
    ApplyLocked(page, std::numeric_limits<std::int64_t>::min());
  }
}

void Feed::ApplyLocked(const std::vector<store::EventRecord>& records, std::int64_t horizon) {
  std::vector<Event> applied;
  for (const store::EventRecord& r : records) {
    if (r.seq <= position_) continue;
    position_ = r.seq;
    if (r.at < horizon) continue;  // concerns only tokens that have expired
    Result<Event> event = Event::FromStored(r.seq, r.type, r.at, r.payload);
    if (!event) {
      undecodable_.fetch_add(1, std::memory_order_relaxed);
      spdlog::error("feed: event {} ({}) cannot be decoded and is skipped: {}", r.seq, r.type,
                    event.error().message());
      // Subscribers hear of the hole before any event after it.
      bus_->Publish(std::exchange(applied, {}));
      bus_->RequestResync();
      continue;
    }
    state_.Apply(*event);
    if (on_applied_) on_applied_(*event);
    applied.push_back(std::move(*event));
  }
  bus_->Publish(applied);
}

Status Feed::Heard(SystemTime now, Millis bound) const {
  const std::int64_t silent = ToUnixMillis(now) - heard_at_ms_.load(std::memory_order_relaxed);
  if (silent <= bound.count()) return OkStatus();
  return Unavailable("the revocation feed has not reached the database for " +
                     std::to_string(silent / 1000) + "s");
}

std::int64_t Feed::position() const {
  MutexLock lock(mu_);
  return position_;
}

Snapshot Feed::TakeSnapshot() const {
  MutexLock lock(mu_);
  return {.json = state_.SnapshotJson(), .seq = position_};
}

Result<std::vector<Event>> Feed::ReadDecoded(std::int64_t after, std::int64_t until, int limit,
                                             const std::string& user_id, bool& resync,
                                             bool resync_if_limited) {
  // A position ahead of the log (a restore from backup, another database) can never be caught up
  // by waiting: the reader must start again from a snapshot.
  resync = after > until;
  std::vector<Event> out;
  std::int64_t next = after;
  int read = 0;
  while (next < until && read < limit) {
    GH_ASSIGN_OR_RETURN(std::vector<store::EventRecord> page,
                        store_.ReadEvents(next, std::min(kPage, limit - read)));
    // The event after `next` must be there: if it was pruned (or the log ends early) the reader
    // cannot be given what it missed, only a snapshot.
    if (page.empty() || page.front().seq != next + 1) {
      resync = true;
      return out;
    }
    for (const store::EventRecord& r : page) {
      if (r.seq > until) return out;
      Result<Event> event = Event::FromStored(r.seq, r.type, r.at, r.payload);
      if (!event) {
        resync = true;  // counted and logged where the state skipped it
        return out;
      }
      next = r.seq;
      ++read;
      if (ForUser(*event, user_id)) out.push_back(std::move(*event));
    }
  }
  if (resync_if_limited && next < until) resync = true;
  return out;
}

Result<FeedPage> Feed::Read(std::int64_t after, int limit) {
  const std::int64_t position = this->position();
  FeedPage page{.last_seq = position};
  bool resync = false;
  GH_ASSIGN_OR_RETURN(page.events, ReadDecoded(after, position, limit, "", resync));
  if (resync && page.events.empty()) {
    page.resync = TakeSnapshot();
    page.last_seq = page.resync->seq;
  }
  return page;
}

Result<Opening> Feed::Follow(std::int64_t after, std::string user_filter, std::string holder) {
  Opening opening;
  {
    // Subscribed at a known position: everything later arrives live.
    MutexLock lock(mu_);
    const std::size_t cap = holder.empty() ? 0 : kMaxStreamsPerUser;
    opening.live = bus_->Subscribe(user_filter, 10'000, std::move(holder), cap);
    if (opening.live == nullptr) {
      Error full = ResourceExhausted("at most " + std::to_string(kMaxStreamsPerUser) +
                                     " event streams per user; close one first");
      full.WithField("retry_after", "5");
      return full;
    }
    opening.position = position_;
  }
  bool resync = false;
  GH_ASSIGN_OR_RETURN(opening.backlog, ReadDecoded(after, opening.position, kMaxReplay, user_filter,
                                                   resync, /*resync_if_limited=*/true));
  if (resync) {
    // Later than the subscription's start: the subscriber skips live events up to it.
    Snapshot snapshot = TakeSnapshot();
    if (!user_filter.empty()) snapshot.json.clear();
    opening.position = snapshot.seq;
    opening.backlog.clear();
    opening.resync = std::move(snapshot);
  }
  return opening;
}

}  // namespace gatehouse::revocation
