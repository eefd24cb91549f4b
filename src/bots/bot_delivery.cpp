#include "bots/bot_delivery.hpp"

#include <algorithm>

#include "apps/event_binding.hpp"
#include "apps/event_chain.hpp"
#include "apps/event_names.hpp"
#include "apps/event_route.hpp"
#include "events/outbox.hpp"

namespace imhub {
namespace {

constexpr const char* kCommandAdd = "ONIMCOMMANDADD";

using Group = std::vector<const BotTarget*>;

// Targets grouped by `key_of`, groups in the order of their first target.
template <class KeyOf>
std::vector<Group> group_by(const std::vector<const BotTarget*>& targets, KeyOf key_of) {
  std::vector<std::string> keys;
  std::vector<Group> groups;
  for (const BotTarget* t : targets) {
    std::string key = key_of(*t);
    auto it = std::find(keys.begin(), keys.end(), key);
    if (it == keys.end()) {
      keys.push_back(std::move(key));
      groups.push_back({t});
    } else {
      groups[static_cast<size_t>(it - keys.begin())].push_back(t);
    }
  }
  return groups;
}

Value data_for(const BotEvent& e, const Group& group) {
  if (e.slot.empty()) return e.data;
  Value slot = Value::map();
  for (const BotTarget* t : group) slot[t->key] = t->entry;
  Value data = Value::map();
  data[e.slot] = std::move(slot);
  if (!e.params.is_null()) data["PARAMS"] = e.params;
  if (e.user.size() > 0) data["USER"] = e.user;
  return data;
}

std::vector<TokenSlot> slots_for(const BotEvent& e, const Group& group) {
  std::vector<TokenSlot> out;
  if (e.slot.empty()) return out;
  for (const BotTarget* t : group) out.push_back(TokenSlot{{e.slot, t->key}, t->bot.id});
  return out;
}

bool refresh_of(const std::string& event) {
  const EventName* name = find_event_name(event);
  return name && name->send_refresh_token;
}

// One delivery per handler URL, without a binding (webhook bots; application commands without
// an ONIMCOMMANDADD binding).
int send_direct(Conn& w, const BotEvent& e, const Group& group, const Cause& cause) {
  int rows = 0;
  for (const Group& by_handler : group_by(group, [](const BotTarget& t) { return t.handler; })) {
    const BotTarget& first = *by_handler.front();
    if (first.handler.empty()) continue;
    OutboxEvent out;
    out.app_id = first.bot.app_id;
    out.handler = first.handler;
    out.event = e.event;
    out.data = data_for(e, by_handler);
    out.auth_user_id = cause.user_id;
    out.send_refresh_token = cause.user_id > 0 && refresh_of(e.event);
    if (first.bot.webhook_bot()) {
      out.application_token = first.bot.client_id();
    } else {
      out.token_slots = slots_for(e, by_handler);
    }
    out.order_key = e.order_key;
    out.event_ttl = cause.event_ttl;
    enqueue_event(w, out);
    ++rows;
  }
  return rows;
}

int send_to_app(Conn& w, const BotEvent& e, const Group& group, const Cause& cause) {
  const int64_t app_id = group.front()->bot.app_id;
  // Commands name their own handler (EVENT_COMMAND_ADD); an application that has no binding of
  // ONIMCOMMANDADD still gets its commands there.
  if (e.event == kCommandAdd && event_bindings(w, app_id, e.event).empty()) return send_direct(w, e, group, cause);
  AppEvent a;
  a.app_id = app_id;
  a.event = e.event;
  a.data = data_for(e, group);
  a.user_id = cause.user_id;
  a.token_slots = slots_for(e, group);
  a.order_key = e.order_key;
  a.event_ttl = cause.event_ttl;
  a.source_connector = cause.connector;
  return raise_app_event(w, a);
}

}  // namespace

const std::string& bot_handler_for(const Bot& bot, const std::string& event) {
  static const std::string kNone;
  if (event == "ONIMBOTMESSAGEADD") return bot.handler_message_add;
  if (event == "ONIMBOTMESSAGEUPDATE") return bot.handler_message_update;
  if (event == "ONIMBOTMESSAGEDELETE") return bot.handler_message_delete;
  if (event == "ONIMBOTJOINCHAT") return bot.handler_welcome;
  if (event == "ONIMBOTDELETE") return bot.handler_bot_delete;
  return kNone;
}

int send_bot_event(Conn& w, const BotEvent& e, const Cause& cause) {
  std::vector<const BotTarget*> all;
  for (const BotTarget& t : e.targets) all.push_back(&t);
  int rows = 0;
  for (const Group& group : group_by(all, [](const BotTarget& t) { return t.bot.owner; })) {
    rows += group.front()->bot.webhook_bot() ? send_direct(w, e, group, cause) : send_to_app(w, e, group, cause);
  }
  return rows;
}

}  // namespace imhub
