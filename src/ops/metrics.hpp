// Prometheus text metrics. REST calls are counted per method with their error code, and timed
// per method; every HTTP response is counted by status and timed once more without a label (so
// /healthz, /metrics, OAuth and 404s never appear under a `method`). Process and build metrics
// and whatever sources the caller adds (the delivery worker's) are rendered too.
//
// The hot path is cheap: each thread counts into a shard of relaxed atomics indexed by the
// method's position in the registry; only a failed call takes a lock and a map entry.
#pragma once

#include <array>
#include <atomic>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "store/store.hpp"

namespace imhub {

class Metrics {
 public:
  static constexpr std::array<double, 12> kLatencyBounds = {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025,
                                                            0.05,   0.1,   0.25,   0.5,   1,    2.5};
  Metrics();
  ~Metrics();

  // Names the REST methods, in registry order; call once, before the first observe_call().
  void name_methods(std::vector<std::string> names);
  // One REST call of method number `method` (its registry position); `error` is the Bitrix24
  // error code it answered, empty on success.
  void observe_call(size_t method, std::string_view error, double seconds);
  // One HTTP response of any kind (`label` is what the access log calls it; not a metric label).
  void observe_request(const std::string& label, int status, double seconds);
  void connection_opened() { ++open_connections_; }
  void connection_closed() { --open_connections_; }
  std::string render(const StoreStats& store) const;
  // Adds a component's own metrics (the delivery worker's) to every render: `source` appends
  // Prometheus text. Whatever it captures must outlive the Metrics.
  void add_source(std::function<void(std::string&)> source);

  static constexpr size_t kBuckets = kLatencyBounds.size() + 1;
  static constexpr int kMaxStatus = 600;
  struct Histogram {
    std::array<std::atomic<uint64_t>, kBuckets> buckets{};
    std::atomic<uint64_t> sum_ns{0};
    void observe(double seconds);
  };
  // Prometheus text of one histogram of the latency buckets (for add_source renderers).
  static void render_histogram(std::string& out, const std::string& name, const Histogram& h);

 private:
  struct MethodCounters {
    std::atomic<uint64_t> ok{0};
    Histogram latency;
  };
  struct alignas(64) Shard {
    std::unique_ptr<MethodCounters[]> methods;
    Histogram http_latency;
    std::array<std::atomic<uint64_t>, kMaxStatus> statuses{};
    mutable std::mutex errors_mu;
    std::map<size_t, std::map<std::string, uint64_t, std::less<>>> errors;  // method → code → calls
  };
  static constexpr size_t kShards = 16;
  Shard& my_shard();
  void render_calls(std::string& out) const;
  void render_http(std::string& out) const;

  std::vector<std::string> method_names_;
  std::array<Shard, kShards> shards_;
  std::atomic<int64_t> open_connections_{0};
  mutable std::mutex sources_mu_;
  std::vector<std::function<void(std::string&)>> sources_;
};

}  // namespace imhub
