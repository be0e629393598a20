#pragma once
// EventBus: in-process fan-out of feed events to live subscribers (the SSE streams).
//
// Publish() takes events in sequence order (from the Feed, as it applies each commit's events).
// Each subscriber has a bounded queue: a subscriber that falls further behind is dropped (it sees
// Overflowed()) and resumes with `after=`, so a slow client never slows writers. Subscriptions are
// RAII: destroying one leaves the bus. Fan-out copies the subscriber list under the lock and
// delivers outside it (the Beast chat example's idiom).
//
// Thread-safety: all methods are safe to call concurrently.

#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/mutex.h"
#include "revocation/event.h"

namespace gatehouse::revocation {

class EventBus;

class Subscription {
 public:
  ~Subscription();
  Subscription(const Subscription&) = delete;
  Subscription& operator=(const Subscription&) = delete;

  // Called (from the publishing thread) when events arrive.
  void SetWaker(std::function<void()> wake);
  // Everything queued so far, oldest first.
  std::vector<Event> Take();
  // True once the queue overflowed; the subscription receives nothing more.
  bool Overflowed() const;
  // True (once) after the feed met an event it could not decode: the subscriber must start
  // again from a snapshot rather than trust that it saw everything.
  bool TakeResync();

 private:
  friend class EventBus;
  Subscription(std::weak_ptr<EventBus> bus, std::string user_filter, std::string holder,
               std::size_t max_queue)
      : bus_(std::move(bus)),
        user_filter_(std::move(user_filter)),
        holder_(std::move(holder)),
        max_queue_(max_queue) {}
  void Deliver(const std::vector<Event>& events);
  void RequestResync();

  std::weak_ptr<EventBus> bus_;
  const std::string user_filter_;  // empty: every event
  const std::string holder_;       // the user who opened it (for the cap); empty: an API key
  const std::size_t max_queue_;
  mutable Mutex mu_;
  std::deque<Event> queue_ GUARDED_BY(mu_);
  bool overflowed_ GUARDED_BY(mu_) = false;
  bool resync_ GUARDED_BY(mu_) = false;
  std::function<void()> wake_ GUARDED_BY(mu_);
};

class EventBus : public std::enable_shared_from_this<EventBus> {
 public:
  static std::shared_ptr<EventBus> Create() { return std::shared_ptr<EventBus>(new EventBus()); }

  // `user_filter`: only events whose user_id field is that user (for /v1/me/events). `holder`:
  // the user who opens it; with `max_per_holder` > 0, nullptr when that user already holds that
  // many subscriptions of the same kind (filtered, or the full feed).
  std::shared_ptr<Subscription> Subscribe(std::string user_filter = "",
                                          std::size_t max_queue = 10'000, std::string holder = "",
                                          std::size_t max_per_holder = 0);
  void Publish(const std::vector<Event>& events);
  // Tells every subscriber to resync (see Subscription::TakeResync).
  void RequestResync();
  std::size_t subscribers() const;

 private:
  friend class Subscription;
  EventBus() = default;
  void Leave(Subscription* s);
  std::vector<std::shared_ptr<Subscription>> Targets() const;

  mutable Mutex mu_;
  std::vector<Subscription*> subscribers_ GUARDED_BY(mu_);
  std::vector<std::weak_ptr<Subscription>> handles_ GUARDED_BY(mu_);
};

}  // namespace gatehouse::revocation
