#include "apps/event_route.hpp"

#include "apps/application.hpp"
#include "apps/event_binding.hpp"
#include "apps/event_names.hpp"
#include "apps/offline_queue.hpp"
#include "core/clock.hpp"

namespace imhub {
namespace {

constexpr const char* kOfflineNotice = "ONOFFLINEEVENT";

// ONOFFLINEEVENT to the application's online subscribers of it, at most once per minTimeout
// seconds each (0: once per routed event).
void notify_offline(Conn& w, const App& app, const AppEvent& cause) {
  const int64_t now = now_unix_seconds();
  for (const EventBinding& b : event_bindings(w, app.id, kOfflineNotice)) {
    if (b.offline) continue;
    if (b.min_timeout > 0 && b.notified_at > 0 && now - b.notified_at < b.min_timeout) continue;
    w.exec("UPDATE event_bindings SET notified_at = $1 WHERE id = $2", {now, b.id});
    OutboxEvent out;
    out.app_id = app.id;
    out.handler = b.handler;
    out.event = kOfflineNotice;
    out.event_handler_id = b.id;
    out.data = Value::map();
    out.auth_user_id = b.user_id > 0 ? b.user_id : cause.user_id;
    out.send_refresh_token = true;
    out.event_ttl = cause.event_ttl;
    enqueue_event(w, out);
  }
}

}  // namespace

std::vector<EventTarget> route_app_event(Conn& w, const AppEvent& e) {
  std::vector<EventTarget> out;
  std::optional<App> app = find_app(w, e.app_id);
  if (!app || !app->usable()) return out;
  const EventName* name = find_event_name(e.event);
  const bool send_auth = !name || name->send_auth;
  const bool refresh = name && name->send_refresh_token;
  bool recorded = false;
  for (const EventBinding& b : event_bindings(w, app->id, e.event)) {
    if (b.offline) {
      if (!e.source_connector.empty() && b.connector == e.source_connector) continue;
      record_offline_event(w, app->id, b.connector, e.event, e.data, e.user_id);
      recorded = true;
      continue;
    }
    EventTarget t;
    t.binding_id = b.id;
    t.handler = b.handler;
    t.auth_user_id = send_auth ? (b.user_id > 0 ? b.user_id : e.user_id) : 0;
    t.send_refresh_token = send_auth && refresh;
    out.push_back(std::move(t));
  }
  if (recorded) notify_offline(w, *app, e);
  return out;
}

int raise_app_event(Conn& w, const AppEvent& e) {
  std::vector<EventTarget> targets = route_app_event(w, e);
  for (const EventTarget& t : targets) {
    OutboxEvent out;
    out.app_id = e.app_id;
    out.handler = t.handler;
    out.event = e.event;
    out.event_handler_id = t.binding_id;
    out.data = e.data;
    out.auth_user_id = t.auth_user_id;
    out.send_refresh_token = t.send_refresh_token;
    out.token_slots = e.token_slots;
    out.order_key = e.order_key;
    out.event_ttl = e.event_ttl;
    enqueue_event(w, out);
  }
  return static_cast<int>(targets.size());
}

}  // namespace imhub
