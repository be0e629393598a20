#pragma once
// FeedPump: moves new events from the store's log onto the in-process EventBus, in order.
//
// Woken by the store after every commit (and every 100 ms regardless), it reads the events after
// the last one it published and publishes them. One pump per process; with PostgreSQL the same
// loop will be woken by LISTEN/NOTIFY for other instances' commits.
//
// Ownership: borrows the store and bus; owns its thread (PeriodicTask).
// Thread-safety: Poke() from any thread.

#include <atomic>
#include <memory>

#include "common/periodic_task.h"
#include "revocation/event_bus.h"
#include "store/store.h"

namespace gatehouse::app {

class FeedPump {
 public:
  FeedPump(store::Store& store, revocation::EventBus& bus);
  void Poke() { task_->Poke(); }
  std::int64_t published() const { return last_; }

 private:
  void Pump();

  store::Store& store_;
  revocation::EventBus& bus_;
  std::atomic<std::int64_t> last_{0};
  std::unique_ptr<PeriodicTask> task_;
};

}  // namespace gatehouse::app
