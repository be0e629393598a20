#include "revocation/event_bus.h"

#include <algorithm>
#include <utility>

namespace gatehouse::revocation {

Subscription::~Subscription() {
  if (auto bus = bus_.lock()) bus->Leave(this);
}

void Subscription::SetWaker(std::function<void()> wake) {
  std::function<void()> now;  // called outside the lock, as Deliver does
  {
    MutexLock lock(mu_);
    wake_ = std::move(wake);
    if (!queue_.empty() || resync_) now = wake_;
  }
  if (now) now();
}

std::vector<Event> Subscription::Take() {
  MutexLock lock(mu_);
  std::vector<Event> out(std::make_move_iterator(queue_.begin()),
                         std::make_move_iterator(queue_.end()));
  queue_.clear();
  return out;
}

bool Subscription::Overflowed() const {
  MutexLock lock(mu_);
  return overflowed_;
}

void Subscription::Deliver(const std::vector<Event>& events) {
  std::function<void()> wake;
  {
    MutexLock lock(mu_);
    if (overflowed_) return;
    bool added = false;
    for (const Event& e : events) {
      if (!user_filter_.empty() && e.user_id != user_filter_) continue;
      if (queue_.size() >= max_queue_) {
        overflowed_ = true;
        queue_.clear();
        break;
      }
      queue_.push_back(e);
      added = true;
    }
    if (added || overflowed_) wake = wake_;
  }
  if (wake) wake();
}

bool Subscription::TakeResync() {
  MutexLock lock(mu_);
  return std::exchange(resync_, false);
}

void Subscription::RequestResync() {
  std::function<void()> wake;
  {
    MutexLock lock(mu_);
    resync_ = true;
    wake = wake_;
  }
  if (wake) wake();
}

std::shared_ptr<Subscription> EventBus::Subscribe(std::string user_filter, std::size_t max_queue,
                                                  std::string holder, std::size_t max_per_holder) {
  std::shared_ptr<Subscription> s(new Subscription(  // NOLINT
      weak_from_this(), std::move(user_filter), std::move(holder), max_queue));
  MutexLock lock(mu_);
  if (max_per_holder > 0) {
    const auto held = std::count_if(subscribers_.begin(), subscribers_.end(), [&](auto* other) {
      return other->holder_ == s->holder_ && other->user_filter_.empty() == s->user_filter_.empty();
    });
    if (static_cast<std::size_t>(held) >= max_per_holder) {
      s->bus_.reset();  // never joined: its destructor must not look for it
      return nullptr;
    }
  }
  subscribers_.push_back(s.get());
  handles_.push_back(s);
  return s;
}

std::vector<std::shared_ptr<Subscription>> EventBus::Targets() const {
  std::vector<std::shared_ptr<Subscription>> targets;
  MutexLock lock(mu_);
  for (const auto& weak : handles_) {
    if (auto s = weak.lock()) targets.push_back(std::move(s));
  }
  return targets;
}

void EventBus::Publish(const std::vector<Event>& events) {
  if (events.empty()) return;
  for (const auto& s : Targets()) s->Deliver(events);  // outside the lock
}

void EventBus::RequestResync() {
  for (const auto& s : Targets()) s->RequestResync();
}

void EventBus::Leave(Subscription* s) {
  MutexLock lock(mu_);
  const auto it = std::find(subscribers_.begin(), subscribers_.end(), s);
  if (it == subscribers_.end()) return;
  const std::size_t i = static_cast<std::size_t>(it - subscribers_.begin());
  subscribers_.erase(it);
  handles_.erase(handles_.begin() + static_cast<std::ptrdiff_t>(i));
}

std::size_t EventBus::subscribers() const {
  MutexLock lock(mu_);
  return subscribers_.size();
}

}  // namespace gatehouse::revocation
