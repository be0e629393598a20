#include "common/fixed_pool.h"

#include <algorithm>

#include "common/thread_name.h"

namespace gatehouse {

FixedPool::FixedPool(unsigned threads, std::size_t max_waiting) : max_waiting_(max_waiting) {
  threads = std::max(1u, threads);
  threads_.reserve(threads);
  for (unsigned i = 0; i < threads; ++i) {
    threads_.emplace_back([this] {
      SetThreadName("gh-pool");
      Loop();
    });
  }
}

FixedPool::~FixedPool() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  for (auto& t : threads_) t.join();
}

bool FixedPool::Submit(std::function<void()> job, bool bounded) {
  {
    std::lock_guard lock(mu_);
    if (bounded && max_waiting_ > 0 && queue_.size() >= max_waiting_) return false;
    queue_.push_back(std::move(job));
  }
  cv_.notify_one();
  return true;
}

void FixedPool::Loop() {
  while (true) {
    std::function<void()> job;
    {
      std::unique_lock lock(mu_);
      cv_.wait(lock, [this] { return stop_ || !queue_.empty(); });
      if (queue_.empty()) return;  // stopping, and nothing left to do
      job = std::move(queue_.front());
      queue_.pop_front();
    }
    job();
  }
}

}  // namespace gatehouse
