#pragma once
// FixedPool: a few threads that run submitted work in arrival order, for CPU-bound work that
// must not run wider than the machine (Argon2id: one computation per core). A caller blocks in
// Run() until its work is done; waiting callers sleep (no spinning) and are served first come,
// first served, so a burst cannot starve anyone. With `max_waiting`, TryRun refuses work once
// that many jobs wait, so a flood is answered at once instead of queueing without bound.
//
//   FixedPool pool(std::thread::hardware_concurrency());
//   bool ok = pool.Run([&] { return crypto::Argon2idVerify(phc, password); });
//
// Ownership: owns its threads; the destructor finishes the queued work, then joins.
// Thread-safety: Run may be called from any number of threads (not from a pool thread).

#include <condition_variable>
#include <deque>
#include <functional>
#include <future>
#include <mutex>
#include <optional>
#include <thread>
#include <type_traits>
#include <vector>

namespace gatehouse {

class FixedPool {
 public:
  // `max_waiting`: jobs that may wait for a thread in TryRun (0: no bound).
  explicit FixedPool(unsigned threads, std::size_t max_waiting = 0);
  ~FixedPool();
  FixedPool(const FixedPool&) = delete;
  FixedPool& operator=(const FixedPool&) = delete;

  // Runs `work` on a pool thread and returns its result (exceptions are rethrown here).
  template <typename F>
  std::invoke_result_t<F&> Run(F&& work) {
    std::packaged_task<std::invoke_result_t<F&>()> task(std::forward<F>(work));
    auto result = task.get_future();
    Submit([&task] { task(); });
    return result.get();
  }

  // As Run, but nullopt without running `work` when max_waiting jobs already wait.
  template <typename F>
  std::optional<std::invoke_result_t<F&>> TryRun(F&& work) {
    std::packaged_task<std::invoke_result_t<F&>()> task(std::forward<F>(work));
    auto result = task.get_future();
    if (!Submit([&task] { task(); }, /*bounded=*/true)) return std::nullopt;
    return result.get();
  }

  unsigned size() const { return static_cast<unsigned>(threads_.size()); }
  // Jobs waiting for a thread now.
  std::size_t waiting() {
    std::lock_guard lock(mu_);
    return queue_.size();
  }

 private:
  // False (and `job` dropped) when `bounded` and the queue is full.
  bool Submit(std::function<void()> job, bool bounded = false);
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  const std::size_t max_waiting_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace gatehouse
