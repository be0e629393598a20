#include "app/feed_pump.h"

#include "common/log.h"

namespace gatehouse::app {

FeedPump::FeedPump(store::Store& store, revocation::EventBus& bus) : store_(store), bus_(bus) {
  if (Result<std::int64_t> last = store_.LastEventSeq()) last_ = *last;
  task_ = std::make_unique<PeriodicTask>("feed-pump", std::chrono::milliseconds(100),
                                         [this] { Pump(); });
}

void FeedPump::Pump() {
  while (true) {
    Result<std::vector<store::EventRecord>> page = store_.ReadEvents(last_, 1000);
    if (!page) {
      spdlog::error("feed pump: {}", page.error().message());
      return;
    }
    if (page->empty()) return;
    std::vector<revocation::Event> events;
    for (const auto& r : *page) {
      Result<revocation::Event> e = revocation::Event::FromStored(r.seq, r.type, r.at, r.payload);
      if (e) events.push_back(std::move(*e));
    }
    last_ = page->back().seq;
    bus_.Publish(events);
  }
}

}  // namespace gatehouse::app
