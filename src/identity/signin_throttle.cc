#include "identity/signin_throttle.h"

#include <algorithm>

namespace gatehouse::identity {

void SigninThrottle::Expire(Entry& e, std::int64_t now) const {
  while (!e.failures.empty() && e.failures.front() <= now - window_.count()) {
    e.failures.pop_front();
  }
}

Result<SigninThrottle::Slot> SigninThrottle::Acquire(std::vector<std::string> keys) {
  const std::int64_t now = ToUnixMillis(clock_.Now());
  MutexLock lock(mu_);
  std::int64_t retry_at = 0;
  for (const auto& key : keys) {
    auto it = entries_.find(key);
    if (it == entries_.end()) continue;
    Expire(it->second, now);
    const int used = static_cast<int>(it->second.failures.size()) + it->second.in_flight;
    if (used >= max_failures_) {
      const std::int64_t free_at =
          it->second.failures.empty() ? now + 1000 : it->second.failures.front() + window_.count();
      retry_at = std::max(retry_at, free_at);
    }
  }
  if (retry_at > 0) {
    const std::int64_t seconds = std::max<std::int64_t>(1, (retry_at - now + 999) / 1000);
    Error e = ResourceExhausted(refused_);
    e.WithField("retry_after", std::to_string(seconds));
    return e;
  }
  if (entries_.size() + keys.size() > max_keys_) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      Expire(it->second, now);
      it = it->second.failures.empty() && it->second.in_flight == 0 ? entries_.erase(it)
                                                                    : std::next(it);
    }
  }
  for (const auto& key : keys) ++entries_[key].in_flight;
  return Slot(this, std::move(keys));
}

SigninThrottle::Slot::~Slot() {
  if (throttle_ != nullptr) throttle_->Finish(*this, /*success=*/true);  // neutral: no reset key
}

void SigninThrottle::Finish(Slot& slot, bool success, const std::string& reset_key) {
  if (slot.throttle_ == nullptr) return;  // finished already
  slot.throttle_ = nullptr;
  const std::int64_t now = ToUnixMillis(clock_.Now());
  MutexLock lock(mu_);
  for (const auto& key : slot.keys_) {
    auto it = entries_.find(key);
    if (it == entries_.end()) continue;
    Entry& e = it->second;
    e.in_flight = std::max(0, e.in_flight - 1);
    if (!success) {
      e.failures.push_back(now);
    } else if (key == reset_key) {
      e.failures.clear();
    }
    Expire(e, now);
    if (e.failures.empty() && e.in_flight == 0) entries_.erase(it);
  }
}

}  // namespace gatehouse::identity
