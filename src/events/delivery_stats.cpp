#include "events/delivery_stats.hpp"

#include "core/strings.hpp"

namespace imhub {

namespace {
const char* const kOutcomeNames[] = {"delivered", "http_error",   "timeout", "connect_error", "too_large",
                                     "other",     "loop_dropped", "bad_row", "refused"};
static_assert(std::size(kOutcomeNames) == static_cast<size_t>(DeliveryOutcome::kCount));
}  // namespace

const char* outcome_name(DeliveryOutcome o) { return kOutcomeNames[static_cast<size_t>(o)]; }

void DeliveryStats::observe_latency(double seconds) {
  if (seconds < 0) seconds = 0;
  size_t b = 0;
  while (b < kLatencyBounds.size() && seconds > kLatencyBounds[b]) ++b;
  latency[b].fetch_add(1, std::memory_order_relaxed);
  latency_count.fetch_add(1, std::memory_order_relaxed);
  latency_sum_us.fetch_add(static_cast<uint64_t>(seconds * 1e6), std::memory_order_relaxed);
}

void DeliveryStats::render(std::string& out) const {
  out += "# HELP imhub_event_outbox_depth Events waiting in the outbox (refreshed every second).\n";
  out += "# TYPE imhub_event_outbox_depth gauge\n";
  out += "imhub_event_outbox_depth " + std::to_string(outbox_depth.load()) + "\n";
  out += "# HELP imhub_event_failed_depth Events in the failed list (imhub events failed).\n";
  out += "# TYPE imhub_event_failed_depth gauge\n";
  out += "imhub_event_failed_depth " + std::to_string(failed_depth.load()) + "\n";
  out += "# HELP imhub_event_in_flight Event POSTs in flight.\n# TYPE imhub_event_in_flight gauge\n";
  out += "imhub_event_in_flight " + std::to_string(in_flight.load()) + "\n";
  out += "# HELP imhub_event_lanes Ordered event streams (handler, order key) with work.\n";
  out += "# TYPE imhub_event_lanes gauge\n";
  out += "imhub_event_lanes " + std::to_string(lanes.load()) + "\n";
  out += "# HELP imhub_event_deliveries_total Delivery attempts by outcome.\n";
  out += "# TYPE imhub_event_deliveries_total counter\n";
  for (size_t i = 0; i < outcomes.size(); ++i)
    out += std::string("imhub_event_deliveries_total{outcome=\"") + kOutcomeNames[i] + "\"} " +
           std::to_string(outcomes[i].load()) + "\n";
  out += "# HELP imhub_event_failures_total Events moved to the failed list.\n";
  out += "# TYPE imhub_event_failures_total counter\n";
  out += "imhub_event_failures_total " + std::to_string(moved_to_failed.load()) + "\n";
  out += "# HELP imhub_event_delivery_latency_seconds From enqueue to the handler's 2xx.\n";
  out += "# TYPE imhub_event_delivery_latency_seconds histogram\n";
  uint64_t cumulative = 0;
  for (size_t i = 0; i < kLatencyBounds.size(); ++i) {
    cumulative += latency[i].load();
    out += "imhub_event_delivery_latency_seconds_bucket{le=\"" + format_double(kLatencyBounds[i]) + "\"} " +
           std::to_string(cumulative) + "\n";
  }
  cumulative += latency[kLatencyBounds.size()].load();
  out += "imhub_event_delivery_latency_seconds_bucket{le=\"+Inf\"} " + std::to_string(cumulative) + "\n";
  out += "imhub_event_delivery_latency_seconds_sum " + format_double(latency_sum_us.load() / 1e6) + "\n";
  out += "imhub_event_delivery_latency_seconds_count " + std::to_string(latency_count.load()) + "\n";
}

}  // namespace imhub
