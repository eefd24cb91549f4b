// Prometheus text metrics: requests by method and status, a latency histogram, and whatever
// gauges the caller adds at render time (writer queue depth, group-commit sizes).
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <mutex>
#include <string>
#include <utility>
#include <vector>

#include "store/store.hpp"

namespace imhub {

class Metrics {
 public:
  static constexpr std::array<double, 12> kLatencyBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                            0.05,   0.1,   0.25,   0.5,   1,    2.5};
  void observe_request(const std::string& method, int status, double seconds);
  void connection_opened() { ++open_connections_; }
  void connection_closed() { --open_connections_; }
  std::string render(const StoreStats& store) const;
  // Adds a component's own metrics (the delivery worker's) to every render: `source` appends
  // Prometheus text. Whatever it captures must outlive the Metrics.
  void add_source(std::function<void(std::string&)> source);

 private:
  // Each io thread counts into its own shard (picked by thread), so requests on different
  // threads never wait for one another; render() adds the shards up.
  struct alignas(64) Shard {
    mutable std::mutex mu;
    std::map<std::pair<std::string, int>, uint64_t> requests;
    std::array<uint64_t, kLatencyBounds.size() + 1> latency{};
    double latency_sum = 0;
    uint64_t latency_count = 0;
  };
  static constexpr size_t kShards = 16;
  Shard& my_shard();
  std::array<Shard, kShards> shards_;
  std::atomic<int64_t> open_connections_{0};
  mutable std::mutex sources_mu_;
  std::vector<std::function<void(std::string&)>> sources_;
};

}  // namespace imhub
