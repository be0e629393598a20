#pragma once
// SigninThrottle: at most `max_failures` failed sign-ins per key (an account's email, a client
// IP) in a sliding `window` (ASVS 2.2.1, DESIGN.md item 12).
//
// Race-free: an attempt reserves a slot *before* the password check, so parallel guesses count
// while they are in flight; once failures plus attempts in flight reach the limit, every further
// attempt — whatever its password — is refused until the oldest failure leaves the window.
// A success releases its slot and clears the account key's failures.
//
//   GH_ASSIGN_OR_RETURN(auto slot, throttle.Acquire({"email:a@b.c", "ip:192.0.2.1"}));
//   ... check password ...
//   throttle.Finish(slot, /*success=*/ok);
//
// Where the counts live: this process's memory (one instance; bounded: keys without failures in
// the window are dropped, and at most `max_keys` are kept, the quietest first), or the store,
// where every instance on a shared database counts against the same limit (each Acquire and
// Finish is one write transaction that holds its keys; an attempt whose instance died is
// forgotten after kStaleInFlight).
// Thread-safety: all methods are safe to call concurrently.

#include <deque>
#include <functional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "common/clock.h"
#include "common/mutex.h"
#include "common/result.h"
#include "store/store.h"

namespace gatehouse::identity {

class SigninThrottle {
 public:
  static constexpr Millis kStaleInFlight = std::chrono::minutes(1);
  static constexpr const char* kSigninRefused = "too many sign-in attempts; try again later";

  // Counts in memory. `refused`: the message of the 429 (the same class also guards
  // refresh-token guessing).
  SigninThrottle(int max_failures, Millis window, Clock& clock, std::size_t max_keys = 100'000,
                 std::string refused = kSigninRefused)
      : max_failures_(max_failures),
        window_(window),
        clock_(clock),
        max_keys_(max_keys),
        refused_(std::move(refused)) {}
  // Counts in `store`, shared by every instance that uses it.
  SigninThrottle(store::Store& store, int max_failures, Millis window, Clock& clock,
                 std::string refused = kSigninRefused)
      : SigninThrottle(max_failures, window, clock, 0, std::move(refused)) {
    store_ = &store;
  }

  // An attempt in flight. Released by its destructor if Finish was not called — as neither a
  // success nor a failure (an error of ours, say) — so no path can leak a slot and lock a key.
  class Slot {
   public:
    Slot(Slot&& other) noexcept
        : throttle_(std::exchange(other.throttle_, nullptr)), keys_(std::move(other.keys_)) {}
    Slot& operator=(Slot&&) = delete;
    Slot(const Slot&) = delete;
    ~Slot();

   private:
    friend class SigninThrottle;
    Slot(SigninThrottle* throttle, std::vector<std::string> keys)
        : throttle_(throttle), keys_(std::move(keys)) {}
    SigninThrottle* throttle_;  // null once finished
    std::vector<std::string> keys_;
  };

  // kResourceExhausted (reason rate_limited) with field `retry_after` (seconds) when throttled.
  Result<Slot> Acquire(std::vector<std::string> keys);
  // `reset_key`: on success, the key whose failures are forgotten (the account).
  void Finish(Slot& slot, bool success, const std::string& reset_key = "");
  // Forgets counts no attempt can need any more (in the store; memory forgets by itself).
  Status Prune();

 private:
  struct Entry {
    std::deque<std::int64_t> failures;  // ms, oldest first
    int in_flight = 0;
  };
  using Change = std::function<void(std::vector<Entry*>& entries, std::int64_t now)>;
  // Runs `change` on the entries of `keys` (absent ones start empty) as one atomic step; entries
  // it leaves empty are dropped.
  Status Update(const std::vector<std::string>& keys, const Change& change);
  Status UpdateInMemory(const std::vector<std::string>& keys, const Change& change,
                        std::int64_t now);
  Status UpdateInStore(const std::vector<std::string>& keys, const Change& change,
                       std::int64_t now);
  void Expire(Entry& e, std::int64_t now) const;

  const int max_failures_;
  const Millis window_;
  Clock& clock_;
  const std::size_t max_keys_;
  const std::string refused_;
  store::Store* store_ = nullptr;  // set: the counts live there
  Mutex mu_;
  std::unordered_map<std::string, Entry> entries_ GUARDED_BY(mu_);
};

}  // namespace gatehouse::identity
