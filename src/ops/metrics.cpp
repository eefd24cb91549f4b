#include "ops/metrics.hpp"

#include <cstdio>

#include "core/strings.hpp"

namespace imhub {

Metrics::Shard& Metrics::my_shard() {
  static std::atomic<size_t> next{0};
  thread_local size_t index = next++ % kShards;
  return shards_[index];
}

void Metrics::observe_request(const std::string& method, int status, double seconds) {
  Shard& s = my_shard();
  std::lock_guard lock(s.mu);
  ++s.requests[{method, status}];
  size_t b = 0;
  while (b < kLatencyBounds.size() && seconds > kLatencyBounds[b]) ++b;
  ++s.latency[b];
  s.latency_sum += seconds;
  ++s.latency_count;
}

void Metrics::add_source(std::function<void(std::string&)> source) {
  std::lock_guard lock(sources_mu_);
  sources_.push_back(std::move(source));
}

std::string Metrics::render(const StoreStats& store) const {
  std::string out;
  std::map<std::pair<std::string, int>, uint64_t> requests;
  std::array<uint64_t, kLatencyBounds.size() + 1> latency{};
  double latency_sum = 0;
  uint64_t latency_count = 0;
  for (const Shard& s : shards_) {
    std::lock_guard lock(s.mu);
    for (const auto& [k, n] : s.requests) requests[k] += n;
    for (size_t i = 0; i < latency.size(); ++i) latency[i] += s.latency[i];
    latency_sum += s.latency_sum;
    latency_count += s.latency_count;
  }
  out += "# HELP imhub_requests_total REST requests by method and HTTP status.\n";
  out += "# TYPE imhub_requests_total counter\n";
  for (const auto& [key, n] : requests) {
    std::string method;
    for (char c : key.first) method += (c == '"' || c == '\\' || c == '\n') ? '_' : c;
    out += "imhub_requests_total{method=\"" + method + "\",status=\"" + std::to_string(key.second) + "\"} " +
           std::to_string(n) + "\n";
  }
  out += "# HELP imhub_request_duration_seconds REST request latency.\n";
  out += "# TYPE imhub_request_duration_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kLatencyBounds.size(); ++i) {
    cumulative += latency[i];
    out += "imhub_request_duration_seconds_bucket{le=\"" + format_double(kLatencyBounds[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  cumulative += latency[kLatencyBounds.size()];
  out += "imhub_request_duration_seconds_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
  out += "imhub_request_duration_seconds_sum " + format_double(latency_sum) + "\n";
  out += "imhub_request_duration_seconds_count " + std::to_string(latency_count) + "\n";
  out += "# HELP imhub_open_connections HTTP connections currently open.\n# TYPE imhub_open_connections gauge\n";
  out += "imhub_open_connections " + std::to_string(open_connections_.load()) + "\n";
  out += "# HELP imhub_store_writer_queue_depth Write units waiting for the writer.\n";
  out += "# TYPE imhub_store_writer_queue_depth gauge\n";
  out += "imhub_store_writer_queue_depth " + std::to_string(store.writer_queue_depth) + "\n";
  out += "# HELP imhub_store_commits_total Group commits.\n# TYPE imhub_store_commits_total counter\n";
  out += "imhub_store_commits_total " + std::to_string(store.commits) + "\n";
  out += "# HELP imhub_store_commit_units Write units per group commit.\n";
  out += "# TYPE imhub_store_commit_units histogram\n";
  static const char* kBounds[] = {"1", "2", "4", "8", "16", "32", "64", "+Inf"};
  uint64_t cum = 0;
  for (size_t i = 0; i < store.batch_size_buckets.size() && i < 8; ++i) {
    cum += store.batch_size_buckets[i];
    out += std::string("imhub_store_commit_units_bucket{le=\"") + kBounds[i] + "\"} " + std::to_string(cum) + "\n";
  }
  out += "imhub_store_commit_units_sum " + std::to_string(store.units_committed) + "\n";
  out += "imhub_store_commit_units_count " + std::to_string(store.commits) + "\n";
  std::lock_guard lock(sources_mu_);
  for (const auto& source : sources_) source(out);
  return out;
}

}  // namespace imhub
