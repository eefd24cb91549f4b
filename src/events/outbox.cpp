#include "events/outbox.hpp"

#include <cmath>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/json.hpp"

namespace imhub {

namespace {

// What the worker needs besides the columns, kept as one JSON document so new delivery inputs
// do not need a migration.
std::string payload_json(const OutboxEvent& e) {
  Value slots = Value::list();
  for (const TokenSlot& s : e.token_slots) {
    Value path = Value::list();
    for (const std::string& p : s.path) path.push_back(Value(p));
    slots.push_back(Value::object({{"path", path}, {"user_id", Value(s.user_id)}}));
  }
  return to_plain_json(Value::object({{"data", e.data},
                                      {"auth_user_id", Value(e.auth_user_id)},
                                      {"send_refresh_token", Value(e.send_refresh_token)},
                                      {"application_token", Value(e.application_token)},
                                      {"token_slots", slots},
                                      {"event_ttl", Value(int64_t{e.event_ttl})},
                                      // Stable across retries: X-Imhub-Delivery-Id lets a handler drop duplicates.
                                      {"delivery_id", Value(random_hex(16))}}));
}

}  // namespace

void enqueue_event(Conn& w, const OutboxEvent& e) {
  const auto now_ms = static_cast<int64_t>(std::llround(now_unix() * 1000.0));
  const std::string order_key = e.order_key.empty() ? "handler:" + e.handler : e.order_key;
  w.exec(
      "INSERT INTO event_outbox (app_id, handler, event, event_handler_id, payload, order_key, created_at, "
      "next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
      {e.app_id, e.handler, e.event, e.event_handler_id, payload_json(e), order_key, now_ms});
}

}  // namespace imhub
