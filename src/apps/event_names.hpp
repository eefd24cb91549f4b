// The one table of events an application may subscribe to (`events`, `event.bind`): name,
// scope, and how the platform sends them (protocol.md §8.4, §13.1). Names are upper case, as
// on the wire. Taken from the reference pages: api-reference/common/events,
// api-reference/events, api-reference/chat-bots/outdated/*/events,
// api-reference/imopenlines/openlines/events.
#pragma once

#include <string_view>
#include <vector>

namespace imhub {

struct EventName {
  std::string_view name;   // "ONIMBOTMESSAGEADD"
  std::string_view scope;  // "" = `_global` (basic): every application may bind it
  // The `auth` block carries the user's tokens (false: ONAPPUNINSTALL, ONAPPMETHODCONFIRM get
  // the no-user form).
  bool send_auth = true;
  // The `auth` block also carries a refresh_token (the platform's `sendRefreshToken` events).
  bool send_refresh_token = false;
  // May be bound with event_type=offline (ONOFFLINEEVENT itself may not).
  bool offline_allowed = true;
};

const std::vector<EventName>& event_names();
// `upper_name` must already be upper case; null when unknown.
const EventName* find_event_name(std::string_view upper_name);

}  // namespace imhub
