#pragma once
// Metrics: request counters and latency histograms by route, plus named counters supplied by the
// services, rendered in the Prometheus text format for GET /metrics.
//
// Routes are labelled by their pattern ("/v1/sessions/{handle}"), never the raw path, so the
// number of series stays bounded.
//
// Thread-safety: Record and Render are safe to call concurrently.

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
  struct Histogram {
    std::array<std::uint64_t, kBuckets.size()> buckets{};
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable Mutex mu_;
  std::map<std::string, std::map<int, std::uint64_t>, std::less<>> requests_ GUARDED_BY(mu_);
  std::map<std::string, Histogram, std::less<>> latency_ GUARDED_BY(mu_);
  std::vector<Counter> counters_ GUARDED_BY(mu_);
};

}  // namespace gatehouse::http
