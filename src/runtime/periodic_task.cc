#include "runtime/periodic_task.h"

#include "common/thread_name.h"
#include "runtime/log.h"

namespace gatehouse {

PeriodicTask::PeriodicTask(std::string name, std::chrono::milliseconds interval,
                           std::function<void()> fn)
    : name_(std::move(name)), interval_(interval), fn_(std::move(fn)) {
  thread_ = std::thread([this] {
    SetThreadName("gh-" + name_);
    Loop();
  });
}

PeriodicTask::~PeriodicTask() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  cv_.notify_all();
  thread_.join();
}

void PeriodicTask::Poke() {
  {
    std::lock_guard lock(mu_);
    poked_ = true;
  }
  cv_.notify_all();
}

void PeriodicTask::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    cv_.wait_for(lock, interval_, [this] { return stop_ || poked_; });
    if (stop_) break;
    poked_ = false;
    lock.unlock();
    try {
      fn_();
    } catch (const std::exception& e) {  // a background thread is one of the three edges
      spdlog::error("background task {} failed: {}", name_, e.what());
    }
    lock.lock();
  }
}

}  // namespace gatehouse
