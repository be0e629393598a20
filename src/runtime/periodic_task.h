#pragma once
// PeriodicTask: runs a function on its own thread every `interval` until destroyed.
// The one place in Gatehouse that waits on real time (a condition variable with a timeout), so
// background work (key rotation, garbage collection) needs no sleep calls of its own.
//
// Ownership: owns the thread; the destructor stops and joins it (a run in progress finishes).
// Thread-safety: construct and destroy from one thread.

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <string>
#include <thread>

namespace gatehouse {

class PeriodicTask {
 public:
  PeriodicTask(std::string name, std::chrono::milliseconds interval, std::function<void()> fn);
  ~PeriodicTask();
  PeriodicTask(const PeriodicTask&) = delete;
  PeriodicTask& operator=(const PeriodicTask&) = delete;

  // Runs the function as soon as possible (e.g. from a test).
  void Poke();

 private:
  void Loop();

  const std::string name_;
  const std::chrono::milliseconds interval_;
  const std::function<void()> fn_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stop_ = false;
  bool poked_ = false;
  std::thread thread_;
};

}  // namespace gatehouse
