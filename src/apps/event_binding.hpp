// Event subscriptions of applications (`event.bind`, protocol.md §8.6). An online binding names
// a handler URL the event is POSTed to; an offline binding (no handler, user 0) stores the
// event in the application's offline queue for `event.offline.get`. The bot module adds the
// bindings `imbot.register` implies through add_binding as well.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace imhub {

struct EventBinding {
  int64_t id = 0;
  int64_t app_id = 0;
  std::string event;      // upper case
  std::string handler;    // "" for offline bindings
  int64_t user_id = 0;    // auth_type: whose token the event carries; 0 = the user who caused it
  std::string connector;  // auth_connector: the offline queue the event goes to
  bool offline = false;
  int min_timeout = 1;  // ONOFFLINEEVENT: seconds between notifications (options.minTimeout)
  int64_t notified_at = 0;
  int64_t created_at = 0;
};

// Adds `b`; false when the same (application, event, handler, user, connector) already exists.
bool add_binding(Conn& w, EventBinding b);
// Bindings of an application in id order.
std::vector<EventBinding> app_bindings(Conn& c, int64_t app_id);
// Bindings of an application for one event, in id order.
std::vector<EventBinding> event_bindings(Conn& c, int64_t app_id, const std::string& event);

// What event.unbind removes: rows of `event`, online ones only for `handler`, for one user
// (`user_id`) or for every user (nullopt).
struct UnbindFilter {
  int64_t app_id = 0;
  std::string event;
  std::string handler;
  bool offline = false;
  std::optional<int64_t> user_id;
};
int64_t remove_bindings(Conn& w, const UnbindFilter& f);
void remove_app_bindings(Conn& w, int64_t app_id);

}  // namespace imhub
