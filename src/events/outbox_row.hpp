// One event_outbox row as the delivery worker reads it, and the JSON `payload` column decoded
// (what enqueue_event() wrote: see outbox.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.hpp"
#include "events/outbox.hpp"
#include "store/row_mapping.hpp"
#include "store/store.hpp"

namespace imhub {

// Hop budget of an event caused directly by a person (CRestUtil::HANDLER_SESSION_TTL).
constexpr int kEventSessionTtl = 7;

struct OutboxRow {
  int64_t id = 0;
  int64_t app_id = 0;
  std::string handler;
  std::string event;
  int64_t event_handler_id = 0;
  std::string payload;
  std::string order_key;
  int64_t created_at_ms = 0;
  int attempts = 0;
  int64_t next_attempt_at_ms = 0;
};

// The columns of an outbox row and how they map to OutboxRow.
const RowMapping<OutboxRow>& outbox_row();
OutboxRow read_outbox_row(const Row& r);

struct EventPayload {
  Value data;
  int64_t auth_user_id = 0;
  bool send_refresh_token = false;
  std::string application_token;
  std::vector<TokenSlot> token_slots;
  int event_ttl = kEventSessionTtl;  // a row written without one gets a full budget
  std::string delivery_id;           // "" for rows written by other tools
};

// nullopt when the column is not the JSON object enqueue_event() writes.
std::optional<EventPayload> parse_event_payload(std::string_view json);

}  // namespace imhub
