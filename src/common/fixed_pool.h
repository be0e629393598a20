#pragma once
// FixedPool: a few threads that run submitted work in arrival order, for CPU-bound work that
// must not run wider than the machine (Argon2id: one computation per core). A caller blocks in
// Run() until its work is done; waiting callers sleep (no spinning) and are served first come,
// first served, so a burst cannot starve anyone.
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
#include <thread>
#include <type_traits>
#include <vector>

namespace gatehouse {

class FixedPool {
 public:
  explicit FixedPool(unsigned threads);
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

  unsigned size() const { return static_cast<unsigned>(threads_.size()); }

 private:
  void Submit(std::function<void()> job);
  void Loop();

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::function<void()>> queue_;
  bool stop_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace gatehouse
