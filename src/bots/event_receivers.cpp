#include "bots/event_receivers.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "apps/application.hpp"
#include "apps/event_binding.hpp"
#include "bots/bot.hpp"
#include "bots/command.hpp"
#include "users/user.hpp"

namespace imhub {

namespace {

using BacklogKey = std::pair<int64_t, std::string>;  // (application, handler URL)

// URL → the events it receives, for one receiver.
using HandlerEvents = std::map<std::string, std::set<std::string>>;

HandlerEvents bot_events(Conn& c, const Bot& b) {
  HandlerEvents out;
  auto add = [&](const std::string& url, const char* event) {
    if (!url.empty()) out[url].insert(event);
  };
  add(b.handler_message_add, "ONIMBOTMESSAGEADD");
  add(b.handler_message_update, "ONIMBOTMESSAGEUPDATE");
  add(b.handler_message_delete, "ONIMBOTMESSAGEDELETE");
  add(b.handler_welcome, "ONIMBOTJOINCHAT");
  add(b.handler_bot_delete, "ONIMBOTDELETE");
  // An application's commands go to its ONIMCOMMANDADD subscription, listed with the application;
  // a webhook bot's go straight to the URL in their rows.
  if (b.webhook_bot())
    for (const Command& cmd : commands_of_owner(c, b.owner))
      if (cmd.bot_id == b.id) add(cmd.handler, "ONIMCOMMANDADD");
  return out;
}

HandlerEvents app_events(Conn& c, const App& app) {
  HandlerEvents out;
  if (!app.handler.empty())
    for (const char* e : {"ONAPPINSTALL", "ONAPPUPDATE", "ONAPPUNINSTALL"}) out[app.handler].insert(e);
  for (const EventBinding& b : app_bindings(c, app.id))
    if (!b.offline && !b.handler.empty()) out[b.handler].insert(b.event);
  return out;
}

// Fills `r.handlers` from `events`, each with its state from `backlog`; marks the keys it used.
void attach(EventReceiver& r, const HandlerEvents& events, const std::map<BacklogKey, HandlerBacklog>& backlog,
            std::set<BacklogKey>& used) {
  for (const auto& [url, names] : events) {
    ReceiverHandler h;
    h.handler = url;
    h.events.assign(names.begin(), names.end());
    const BacklogKey key{r.app_id, url};
    if (auto it = backlog.find(key); it != backlog.end()) {
      h.state = it->second;
      used.insert(key);
    } else {
      h.state.app_id = r.app_id;
      h.state.handler = url;
    }
    r.handlers.push_back(std::move(h));
  }
}

}  // namespace

std::vector<EventReceiver> event_receivers(Conn& c) {
  std::map<BacklogKey, HandlerBacklog> backlog;
  for (HandlerBacklog& b : events_status(c).handlers) backlog[{b.app_id, b.handler}] = std::move(b);
  std::set<BacklogKey> used;
  std::vector<EventReceiver> out;

  std::map<int64_t, std::string> client_ids;
  for (const App& app : list_apps(c)) {
    client_ids[app.id] = app.client_id;
    EventReceiver r;
    r.kind = EventReceiver::Kind::kApp;
    r.id = app.id;
    r.app_id = app.id;
    r.code = app.client_id;
    r.name = app.name;
    r.owner_user_id = app.installed_by;
    r.client_id = app.client_id;
    r.active = app.usable();
    attach(r, app_events(c, app), backlog, used);
    out.push_back(std::move(r));
  }
  std::sort(out.begin(), out.end(), [](const EventReceiver& a, const EventReceiver& b) { return a.id < b.id; });

  std::vector<Bot> bots = all_bots(c);
  std::sort(bots.begin(), bots.end(), [](const Bot& a, const Bot& b) { return a.id < b.id; });
  for (const Bot& b : bots) {
    EventReceiver r;
    r.kind = EventReceiver::Kind::kBot;
    r.id = b.id;
    r.app_id = b.app_id;
    r.code = b.code;
    if (auto u = find_user(c, b.id)) r.name = u->full_name();
    r.owner_user_id = b.owner_user_id();
    r.client_id = b.webhook_bot() ? b.client_id() : client_ids[b.app_id];
    attach(r, bot_events(c, b), backlog, used);
    out.push_back(std::move(r));
  }

  for (auto& [key, state] : backlog) {
    if (used.count(key)) continue;
    EventReceiver r;
    r.kind = EventReceiver::Kind::kHandler;
    r.app_id = key.first;
    ReceiverHandler h;
    h.handler = key.second;
    h.state = std::move(state);
    r.handlers.push_back(std::move(h));
    out.push_back(std::move(r));
  }
  return out;
}

std::vector<std::string> bot_handler_urls(Conn& c, int64_t bot_id) {
  std::vector<std::string> out;
  auto bot = find_bot(c, bot_id);
  if (!bot) return out;
  for (const auto& [url, events] : bot_events(c, *bot)) out.push_back(url);
  return out;
}

}  // namespace imhub
