#include "push/push_metrics.hpp"

#include "core/clock.hpp"
#include "push/hub.hpp"
#include "push/watch.hpp"

namespace imhub {

namespace {

void line(std::string& out, std::string_view name, std::string_view type, std::string_view help, int64_t value,
          std::string_view labels = "") {
  out += "# HELP " + std::string(name) + " " + std::string(help) + "\n";
  out += "# TYPE " + std::string(name) + " " + std::string(type) + "\n";
  out += std::string(name) + std::string(labels) + " " + std::to_string(value) + "\n";
}

int64_t get(const std::atomic<int64_t>& a) { return a.load(std::memory_order_relaxed); }
int64_t get(const std::atomic<uint64_t>& a) { return static_cast<int64_t>(a.load(std::memory_order_relaxed)); }

}  // namespace

void render_push_metrics(std::string& out, const PushHub& hub, const PushWatch* watch) {
  const PushStats s = hub.stats();
  const PushCounters& c = hub.counters();
  out += "# HELP imhub_push_connections Clients connected to the push server, by transport.\n";
  out += "# TYPE imhub_push_connections gauge\n";
  out += "imhub_push_connections{transport=\"websocket\"} " + std::to_string(get(c.websockets)) + "\n";
  out += "imhub_push_connections{transport=\"long_polling\"} " + std::to_string(get(c.poll_clients)) + "\n";
  line(out, "imhub_push_long_polls_waiting", "gauge", "Long-polling requests held open now.", get(c.long_polls));
  line(out, "imhub_push_channels", "gauge", "Channels with a subscriber or a stored message.",
       static_cast<int64_t>(s.channels));
  line(out, "imhub_push_stored_messages", "gauge", "Messages kept for reconnecting clients, over all channels.",
       static_cast<int64_t>(s.stored));
  line(out, "imhub_push_queued_frames", "gauge", "Frames waiting in the connections' send queues.", get(c.queued));
  line(out, "imhub_push_status_watchers", "gauge", "subscribeStatusChange subscriptions.",
       static_cast<int64_t>(s.status_watchers));
  if (watch)
    line(out, "imhub_push_watches", "gauge", "Watch tags held (pull.watch.extend).",
         static_cast<int64_t>(watch->size(now_unix_seconds())));
  line(out, "imhub_push_published_total", "counter", "Messages published.", static_cast<int64_t>(s.published));
  line(out, "imhub_push_frames_sent_total", "counter", "Frames written to clients (sockets and poll answers).",
       get(c.frames_sent));
  line(out, "imhub_push_slow_client_drops_total", "counter",
       "Clients dropped because their send queue ([push] send_queue) overflowed.", get(c.drops));
  line(out, "imhub_push_rate_limit_closes_total", "counter",
       "Clients closed or refused for sending more than [push] max_client_messages per 10 s.", get(c.rate_closes));
  line(out, "imhub_push_catch_ups_total", "counter", "Connections that came back with a mid of this run.",
       get(c.catch_ups));
  line(out, "imhub_push_catch_up_frames_total", "counter", "Stored messages replayed to returning clients.",
       get(c.catch_up_frames));
  out += "# HELP imhub_push_fanout_seconds From publish to the frame written to a connected client.\n";
  out += "# TYPE imhub_push_fanout_seconds histogram\n";
  Metrics::render_histogram(out, "imhub_push_fanout_seconds", c.fanout);
}

}  // namespace imhub
