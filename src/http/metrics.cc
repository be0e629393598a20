#include "http/metrics.h"

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
  const double seconds = std::chrono::duration<double>(elapsed).count();
  const std::string_view label = route.empty() ? std::string_view("unmatched") : route;
  MutexLock lock(mu_);
  auto it = requests_.find(label);
  if (it == requests_.end())
    it = requests_.emplace(std::string(label), std::map<int, std::uint64_t>{}).first;
  ++it->second[status];
  auto h = latency_.find(label);
  if (h == latency_.end()) h = latency_.emplace(std::string(label), Histogram{}).first;
  for (std::size_t i = 0; i < kBuckets.size(); ++i) {
    if (seconds <= kBuckets[i]) ++h->second.buckets[i];
  }
  ++h->second.count;
  h->second.sum += seconds;
}

void Metrics::AddCounter(Counter counter) {
  MutexLock lock(mu_);
  counters_.push_back(std::move(counter));
}

std::string Metrics::Render() const {
  std::ostringstream out;
  MutexLock lock(mu_);
  out << "# HELP gatehouse_http_requests_total HTTP requests by route and status.\n"
      << "# TYPE gatehouse_http_requests_total counter\n";
  for (const auto& [route, by_status] : requests_) {
    for (const auto& [status, n] : by_status) {
      out << "gatehouse_http_requests_total{route=\"" << Escape(route) << "\",status=\"" << status
          << "\"} " << n << "\n";
    }
  }
  out << "# HELP gatehouse_http_request_duration_seconds Request latency by route.\n"
      << "# TYPE gatehouse_http_request_duration_seconds histogram\n";
  for (const auto& [route, h] : latency_) {
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
  for (const Counter& c : counters_) {
    out << "# HELP gatehouse_" << c.name << " " << c.help << "\n"
        << "# TYPE gatehouse_" << c.name << (c.gauge ? " gauge\n" : " counter\n") << "gatehouse_"
        << c.name << " " << Number(c.value()) << "\n";
  }
  return out.str();
}

}  // namespace gatehouse::http
