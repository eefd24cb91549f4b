// Where an application event goes: the one place that turns "event E happened for application
// A" into outbox rows (online bindings) and offline queue rows (offline bindings). The bot
// module calls route_app_event / raise_app_event inside the write transaction of the change
// that causes the event, so the event is durable exactly when the change is.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.hpp"
#include "events/outbox.hpp"
#include "store/store.hpp"

namespace imhub {

// One online subscription an event is to be POSTed to.
struct EventTarget {
  int64_t binding_id = 0;  // event_handler_id on the wire
  std::string handler;
  int64_t auth_user_id = 0;  // whose tokens go into `auth` (0: the no-user form)
  bool send_refresh_token = false;
};

struct AppEvent {
  int64_t app_id = 0;
  std::string event;  // upper case, e.g. "ONIMBOTMESSAGEADD"
  Value data;
  // The user whose action caused the event: the token user of bindings without auth_type, and
  // EVENT_ADDITIONAL.user_id of offline rows.
  int64_t user_id = 0;
  std::vector<TokenSlot> token_slots;
  std::string order_key;         // e.g. "chat:12"; "" = per handler
  int event_ttl = 0;             // event_ttl_for(caller) of the call that caused it
  std::string source_connector;  // auth_connector of that call: its own offline queue is skipped
};

// For an installed, active application: records `e` in the offline queue of every offline
// binding of `e.event` (and notifies ONOFFLINEEVENT subscribers, honouring minTimeout), and
// returns the online bindings to enqueue to, in binding order. Nothing for other applications.
std::vector<EventTarget> route_app_event(Conn& w, const AppEvent& e);

// route_app_event, then enqueue_event() to every target. Returns the number of outbox rows.
int raise_app_event(Conn& w, const AppEvent& e);

}  // namespace imhub
