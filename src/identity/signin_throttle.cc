#include "identity/signin_throttle.h"

#include <algorithm>
#include <charconv>

#include "runtime/log.h"

namespace gatehouse::identity {
namespace {

std::string EncodeFailures(const std::deque<std::int64_t>& failures) {
  std::string out;
  for (std::int64_t at : failures) {
    if (!out.empty()) out += ',';
    out += std::to_string(at);
  }
  return out;
}

std::deque<std::int64_t> DecodeFailures(std::string_view text) {
  std::deque<std::int64_t> out;
  while (!text.empty()) {
    const std::size_t comma = std::min(text.find(','), text.size());
    std::int64_t at = 0;
    const std::string_view part = text.substr(0, comma);
    if (std::from_chars(part.data(), part.data() + part.size(), at).ec == std::errc()) {
      out.push_back(at);
    }
    text.remove_prefix(std::min(comma + 1, text.size()));
  }
  return out;
}

}  // namespace

void SigninThrottle::Expire(Entry& e, std::int64_t now) const {
  while (!e.failures.empty() && e.failures.front() <= now - window_.count()) {
    e.failures.pop_front();
  }
}

Status SigninThrottle::Update(const std::vector<std::string>& keys, const Change& change) {
  const std::int64_t now = ToUnixMillis(clock_.Now());
  return store_ != nullptr ? UpdateInStore(keys, change, now) : UpdateInMemory(keys, change, now);
}

Status SigninThrottle::UpdateInMemory(const std::vector<std::string>& keys, const Change& change,
                                      std::int64_t now) {
  MutexLock lock(mu_);
  if (entries_.size() + keys.size() > max_keys_) {
    for (auto it = entries_.begin(); it != entries_.end();) {
      Expire(it->second, now);
      it = it->second.failures.empty() && it->second.in_flight == 0 ? entries_.erase(it)
                                                                    : std::next(it);
    }
  }
  std::vector<Entry*> entries;
  for (const auto& key : keys) entries.push_back(&entries_[key]);
  change(entries, now);
  for (const auto& key : keys) {
    auto it = entries_.find(key);
    if (it != entries_.end() && it->second.failures.empty() && it->second.in_flight == 0) {
      entries_.erase(it);
    }
  }
  return OkStatus();
}

Status SigninThrottle::UpdateInStore(const std::vector<std::string>& keys, const Change& change,
                                     std::int64_t now) {
  std::vector<std::string> sorted = keys;  // one order everywhere: no two writers deadlock
  std::sort(sorted.begin(), sorted.end());
  sorted.erase(std::unique(sorted.begin(), sorted.end()), sorted.end());
  return store_->Write([&](store::Tx& tx) -> Status {
    std::vector<Entry> held(sorted.size());
    std::vector<bool> existed(sorted.size(), false);
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      GH_ASSIGN_OR_RETURN(std::optional<store::ThrottleRecord> r, tx.GetThrottle(sorted[i]));
      if (!r) continue;
      existed[i] = true;
      held[i].failures = DecodeFailures(r->failures);
      // An attempt reserved by an instance that died never finishes: forget it in time.
      if (now - r->updated_at <= kStaleInFlight.count()) {
        held[i].in_flight = static_cast<int>(r->in_flight);
      }
    }
    std::vector<Entry*> entries;
    for (const auto& key : keys) {
      const auto at = std::lower_bound(sorted.begin(), sorted.end(), key) - sorted.begin();
      entries.push_back(&held[static_cast<std::size_t>(at)]);
    }
    change(entries, now);
    for (std::size_t i = 0; i < sorted.size(); ++i) {
      Expire(held[i], now);
      if (held[i].failures.empty() && held[i].in_flight == 0) {
        if (existed[i]) GH_RETURN_IF_ERROR(tx.DeleteThrottle(sorted[i]));
        continue;
      }
      GH_RETURN_IF_ERROR(tx.PutThrottle({.key = sorted[i],
                                         .failures = EncodeFailures(held[i].failures),
                                         .in_flight = held[i].in_flight,
                                         .updated_at = now}));
    }
    return OkStatus();
  });
}

Result<SigninThrottle::Slot> SigninThrottle::Acquire(std::vector<std::string> keys) {
  std::int64_t retry_at = 0;
  std::int64_t at = 0;
  GH_RETURN_IF_ERROR(Update(keys, [&](std::vector<Entry*>& entries, std::int64_t now) {
    retry_at = 0;  // assigned afresh: the store may run this again
    at = now;
    for (Entry* e : entries) {
      Expire(*e, now);
      const int used = static_cast<int>(e->failures.size()) + e->in_flight;
      if (used >= max_failures_) {
        const std::int64_t free_at =
            e->failures.empty() ? now + 1000 : e->failures.front() + window_.count();
        retry_at = std::max(retry_at, free_at);
      }
    }
    if (retry_at > 0) return;
    for (Entry* e : entries) ++e->in_flight;
  }));
  if (retry_at > 0) {
    const std::int64_t seconds = std::max<std::int64_t>(1, (retry_at - at + 999) / 1000);
    Error e = ResourceExhausted(refused_);
    e.WithField("retry_after", std::to_string(seconds));
    return e;
  }
  return Slot(this, std::move(keys));
}

SigninThrottle::Slot::~Slot() {
  if (throttle_ != nullptr) throttle_->Finish(*this, /*success=*/true);  // neutral: no reset key
}

void SigninThrottle::Finish(Slot& slot, bool success, const std::string& reset_key) {
  if (slot.throttle_ == nullptr) return;  // finished already
  slot.throttle_ = nullptr;
  const std::vector<std::string>& keys = slot.keys_;
  Status s = Update(keys, [&](std::vector<Entry*>& entries, std::int64_t now) {
    for (std::size_t i = 0; i < entries.size(); ++i) {
      Entry& e = *entries[i];
      e.in_flight = std::max(0, e.in_flight - 1);
      if (!success) {
        e.failures.push_back(now);
      } else if (keys[i] == reset_key) {
        e.failures.clear();
      }
      Expire(e, now);
    }
  });
  // The store could not take it: the reservation expires by itself (kStaleInFlight).
  if (!s) spdlog::warn("throttle: {}", s.error().message());
}

Status SigninThrottle::Prune() {
  if (store_ == nullptr) return OkStatus();
  const std::int64_t before =
      ToUnixMillis(clock_.Now()) - std::max(window_, Millis(kStaleInFlight)).count();
  return store_->Write([&](store::Tx& tx) { return tx.PruneThrottles(before).status(); });
}

}  // namespace gatehouse::identity
