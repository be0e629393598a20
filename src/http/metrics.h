#pragma once
// Metrics: request counters and latency histograms by route, plus named counters supplied by the
// services, rendered in the Prometheus text format for GET /metrics.
//
// Routes are labelled by their pattern ("/v1/sessions/{handle}"), never the raw path, so the
// number of series stays bounded.
//
// Thread-safety: Record and Render are safe to call concurrently. Each thread records into a
// shard of its own (so the io threads never wait for each other here); Render adds them up.

#include <array>
#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/mutex.h"

namespace gatehouse::http {

class Metrics {
 public:
  // A counter (or, with `gauge`, a gauge) read at render time: name (gatehouse_ prefix added),
  // help text, value.
  struct Counter {
    std::string name;
    std::string help;
    std::function<double()> value;
    bool gauge = false;
  };

  void Record(std::string_view route, int status, std::chrono::nanoseconds elapsed);
  void AddCounter(Counter counter);
  std::string Render() const;

 private:
  static constexpr std::array<double, 14> kBuckets = {
      0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5};
  static constexpr std::size_t kShards = 16;
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };
  struct Series {  // one route
    std::map<int, std::uint64_t> by_status;
    Histogram latency;
  };
  using SeriesMap = std::map<std::string, Series, std::less<>>;
  struct Shard {
    mutable Mutex mu;
    SeriesMap routes GUARDED_BY(mu);
  };

  // The sum over all shards.
  SeriesMap Merged() const;

  std::array<Shard, kShards> shards_;
  mutable Mutex counters_mu_;
  std::vector<Counter> counters_ GUARDED_BY(counters_mu_);
};

}  // namespace gatehouse::http
