// Counters of the delivery worker for /metrics: queue depth, deliveries by outcome, moves to the
// failed list, and the latency from enqueue to the handler's 2xx. Written by the worker thread,
// read by whichever io thread renders /metrics; every field is an atomic.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <string>

namespace imhub {

enum class DeliveryOutcome : size_t {
  kDelivered,    // 2xx
  kHttpError,    // answered with another status
  kTimeout,      // no complete answer within the timeout
  kConnect,      // connection refused, name not resolved
  kTooLarge,     // answer over the size cap
  kOther,        // any other transport error
  kLoopDropped,  // event_ttl exhausted: not sent (protocol.md §6.3)
  kBadRow,       // payload unreadable: moved to the failed list without an attempt
  kRefused,      // the address policy refused the handler's address: moved to the failed list
  kCount
};

// The outcome's name as /metrics and the delivery log spell it ("delivered", "refused", ...).
const char* outcome_name(DeliveryOutcome o);

struct DeliveryStats {
  static constexpr std::array<double, 15> kLatencyBounds = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1,
                                                            2.5,   5,    10,    30,   60,  300,  3600};
  std::array<std::atomic<uint64_t>, static_cast<size_t>(DeliveryOutcome::kCount)> outcomes{};
  std::atomic<uint64_t> moved_to_failed{0};
  std::atomic<int64_t> outbox_depth{0};  // rows, refreshed about once a second
  std::atomic<int64_t> failed_depth{0};  // rows in the failed list, same cadence
  std::atomic<int64_t> in_flight{0};
  std::atomic<int64_t> lanes{0};
  std::array<std::atomic<uint64_t>, kLatencyBounds.size() + 1> latency{};
  std::atomic<uint64_t> latency_count{0};
  std::atomic<uint64_t> latency_sum_us{0};

  void count(DeliveryOutcome o) { outcomes[static_cast<size_t>(o)].fetch_add(1, std::memory_order_relaxed); }
  void observe_latency(double seconds);
  // Appends the Prometheus text of every metric.
  void render(std::string& out) const;
};

}  // namespace imhub
