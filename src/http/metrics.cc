#include "http/metrics.h"

#include <atomic>
#include <cmath>
#include <cstdint>
#include <sstream>
#include <string>

namespace gatehouse::http {
namespace {

std::string Escape(std::string_view label) {
  std::string out;
  for (char c : label) {
    if (c == '\\' || c == '"') out += '\\';
    if (c == '\n') {
      out += "\\n";
      continue;
    }
    out += c;
  }
  return out;
}

// Whole numbers in full (1000000, not 1e+06), the rest as the stream writes them.
std::string Number(double value) {
  if (value == std::floor(value) && std::fabs(value) < 9.0e15) {
    return std::to_string(static_cast<std::int64_t>(value));
  }
  std::ostringstream out;
  out << value;
  return out.str();
}

}  // namespace

void Metrics::Record(std::string_view route, int status, std::chrono::nanoseconds elapsed) {
  static std::atomic<std::size_t> next_slot{0};
  thread_local const std::size_t slot = next_slot.fetch_add(1) % kShards;
  const double seconds = std::chrono::duration<double>(elapsed).count();
  const std::string_view label = route.empty() ? std::string_view("unmatched") : route;
  Shard& shard = shards_[slot];
  MutexLock lock(shard.mu);
  auto it = shard.routes.find(label);
  if (it == shard.routes.end()) it = shard.routes.emplace(std::string(label), Series{}).first;
  Series& series = it->second;
  ++series.by_status[status];
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++series.latency.buckets[i];
  }
  ++series.latency.count;
  series.latency.sum += seconds;
}

void Metrics::AddCounter(Counter counter) {
  MutexLock lock(counters_mu_);
  counters_.push_back(std::move(counter));
}

Metrics::SeriesMap Metrics::Merged() const {
  SeriesMap all;
  for (const Shard& shard : shards_) {
    MutexLock lock(shard.mu);
    for (const auto& [route, series] : shard.routes) {
      Series& sum = all[route];
      for (const auto& [status, n] : series.by_status) sum.by_status[status] += n;
      for (std::size_t i = 0; i < kBuckets.size(); ++i) {
        sum.latency.buckets[i] += series.latency.buckets[i];
      }
      sum.latency.count += series.latency.count;
      sum.latency.sum += series.latency.sum;
    }
  }
  return all;
}

std::string Metrics::Render() const {
  const SeriesMap all = Merged();
  std::ostringstream out;
  out << "# HELP gatehouse_http_requests_total HTTP requests by route and status.\n"
      << "# TYPE gatehouse_http_requests_total counter\n";
  for (const auto& [route, series] : all) {
    for (const auto& [status, n] : series.by_status) {
      out << "gatehouse_http_requests_total{route=\"" << Escape(route) << "\",status=\"" << status
          << "\"} " << n << "\n";
    }
  }
  out << "# HELP gatehouse_http_request_duration_seconds Request latency by route.\n"
      << "# TYPE gatehouse_http_request_duration_seconds histogram\n";
  for (const auto& [route, series] : all) {
    const Histogram& h = series.latency;
    const std::string r = Escape(route);
    for (std::size_t i = 0; i < kBuckets.size(); ++i) {
      out << "gatehouse_http_request_duration_seconds_bucket{route=\"" << r << "\",le=\""
          << kBuckets[i] << "\"} " << h.buckets[i] << "\n";
    }
    out << "gatehouse_http_request_duration_seconds_bucket{route=\"" << r << "\",le=\"+Inf\"} "
        << h.count << "\n"
        << "gatehouse_http_request_duration_seconds_sum{route=\"" << r << "\"} " << h.sum << "\n"
        << "gatehouse_http_request_duration_seconds_count{route=\"" << r << "\"} " << h.count
        << "\n";
  }
  MutexLock lock(counters_mu_);
  for (const Counter& c : counters_) {
    out << "# HELP gatehouse_" << c.name << " " << c.help << "\n"
        << "# TYPE gatehouse_" << c.name << (c.gauge ? " gauge\n" : " counter\n") << "gatehouse_"
        << c.name << " " << Number(c.value()) << "\n";
  }
  return out.str();
}

}  // namespace gatehouse::http
