#include "events/outbox_row.hpp"

#include "core/json.hpp"

namespace imhub {

const RowMapping<OutboxRow>& outbox_row() {
  static const RowMapping<OutboxRow> kRow{
      {"id", &OutboxRow::id},
      {"app_id", &OutboxRow::app_id},
      {"handler", &OutboxRow::handler},
      {"event", &OutboxRow::event},
      {"event_handler_id", &OutboxRow::event_handler_id},
      {"payload", &OutboxRow::payload},
      {"order_key", &OutboxRow::order_key},
      {"created_at", &OutboxRow::created_at_ms},
      {"attempts", &OutboxRow::attempts},
      {"next_attempt_at", &OutboxRow::next_attempt_at_ms},
  };
  return kRow;
}

OutboxRow read_outbox_row(const Row& r) { return outbox_row().read(r); }

namespace {

int64_t int_of(const Value* v, int64_t fallback) {
  if (!v) return fallback;
  if (v->is_int()) return v->get_int();
  if (v->is_bool()) return v->get_bool() ? 1 : 0;
  return v->to_int().value_or(fallback);
}

}  // namespace

std::optional<EventPayload> parse_event_payload(std::string_view json) {
  JsonLimits limits;
  limits.max_depth = 512;
  limits.max_keys = 10'000'000;
  auto doc = parse_json(json, limits);
  if (!doc || !doc->is_map()) return std::nullopt;
  EventPayload p;
  if (Value* d = doc->get_map().find("data")) p.data = std::move(*d);
  p.auth_user_id = int_of(doc->find("auth_user_id"), 0);
  p.send_refresh_token = int_of(doc->find("send_refresh_token"), 0) != 0;
  if (const Value* t = doc->find("application_token"); t && t->is_string()) p.application_token = t->get_string();
  if (const Value* ttl = doc->find("event_ttl")) p.event_ttl = static_cast<int>(int_of(ttl, kEventSessionTtl));
  if (const Value* id = doc->find("delivery_id"); id && id->is_string()) p.delivery_id = id->get_string();
  if (const Value* slots = doc->find("token_slots"); slots && slots->is_array()) {
    for (const Value* s : slots->elements()) {
      if (!s->is_map()) continue;
      TokenSlot slot;
      slot.user_id = int_of(s->find("user_id"), 0);
      if (const Value* path = s->find("path"); path && path->is_array())
        for (const Value* part : path->elements()) slot.path.push_back(part->to_string());
      if (!slot.path.empty()) p.token_slots.push_back(std::move(slot));
    }
  }
  return p;
}

}  // namespace imhub
