#include "apps/lifecycle.hpp"

#include <set>

#include "apps/event_binding.hpp"
#include "apps/event_chain.hpp"
#include "apps/event_route.hpp"
#include "apps/offline_queue.hpp"
#include "core/clock.hpp"
#include "events/outbox.hpp"

namespace imhub {
namespace {

App load(Conn& w, int64_t app_id) {
  std::optional<App> app = find_app(w, app_id);
  if (!app) throw AppStateError("application " + std::to_string(app_id) + " does not exist");
  return *app;
}

// The lifecycle event to the application's handler and to its online bindings of the event,
// once per URL, in one order so install, update and uninstall reach a handler in sequence.
void send_lifecycle_event(Conn& w, const App& app, const std::string& event, const Value& data, int64_t user_id,
                          bool with_refresh) {
  AppEvent e;
  e.app_id = app.id;
  e.event = event;
  e.data = data;
  e.user_id = user_id;
  e.event_ttl = kEventSessionTtl;
  std::vector<EventTarget> targets = route_app_event(w, e);
  std::set<std::string> sent;
  auto send = [&](const std::string& handler, int64_t binding_id) {
    if (!sent.insert(handler).second) return;
    OutboxEvent out;
    out.app_id = app.id;
    out.handler = handler;
    out.event = event;
    out.event_handler_id = binding_id;
    out.data = data;
    out.auth_user_id = user_id;
    out.send_refresh_token = user_id > 0 && with_refresh;
    out.order_key = "app:" + std::to_string(app.id);
    out.event_ttl = kEventSessionTtl;
    enqueue_event(w, out);
  };
  int64_t handler_binding = 0;
  for (const EventTarget& t : targets)
    if (t.handler == app.handler) handler_binding = t.binding_id;
  send(app.handler, handler_binding);
  for (const EventTarget& t : targets) send(t.handler, t.binding_id);
}

Value install_data(const App& app) {
  return Value::object({{"VERSION", Value(std::to_string(app.version))},
                        {"ACTIVE", Value(app.active ? "Y" : "N")},
                        {"INSTALLED", Value(app.installed ? "Y" : "N")},
                        {"LANGUAGE_ID", Value(app.language_id)}});
}

}  // namespace

App install_app(Conn& w, int64_t app_id, int64_t user_id) {
  App app = load(w, app_id);
  if (app.installed) throw AppStateError("application " + std::to_string(app_id) + " is already installed");
  auto user = w.query_one("SELECT active FROM users WHERE id = $1", {user_id});
  if (!user) throw AppStateError("user " + std::to_string(user_id) + " does not exist");
  if (user->i64(0) == 0) throw AppStateError("user " + std::to_string(user_id) + " is not active");
  app.installed = true;
  app.active = true;
  app.generation += 1;
  app.installed_by = user_id;
  app.installed_at = now_unix_seconds();
  w.exec(
      "UPDATE apps SET installed = 1, active = 1, generation = $1, installed_by = $2, installed_at = $3 WHERE id = $4",
      {app.generation, user_id, app.installed_at, app.id});
  send_lifecycle_event(w, app, "ONAPPINSTALL", install_data(app), user_id, true);
  return app;
}

App update_app(Conn& w, int64_t app_id) {
  App app = load(w, app_id);
  if (!app.installed) throw AppStateError("application " + std::to_string(app_id) + " is not installed");
  const int64_t previous = app.version;
  app.version += 1;
  w.exec("UPDATE apps SET version = $1 WHERE id = $2", {app.version, app.id});
  // The reference page shows PREVIOUS_VERSION; the platform's source sends ACTIVE and
  // INSTALLED as for ONAPPINSTALL. Both, so handlers written against either work.
  Value data = install_data(app);
  data["PREVIOUS_VERSION"] = std::to_string(previous);
  send_lifecycle_event(w, app, "ONAPPUPDATE", data, app.installed_by, true);
  return app;
}

App uninstall_app(Tx& tx, int64_t app_id, bool clean) {
  Conn& w = tx.conn;
  App app = load(w, app_id);
  if (!app.installed) throw AppStateError("application " + std::to_string(app_id) + " is not installed");
  // Routed while the application is still installed, so its ONAPPUNINSTALL bindings count, and
  // so are the events on_app_uninstalled() raises (ONIMBOTDELETE).
  send_lifecycle_event(w, app, "ONAPPUNINSTALL",
                       Value::object({{"LANGUAGE_ID", Value(app.language_id)}, {"CLEAN", Value(int64_t{clean})}}), 0,
                       false);
  on_app_uninstalled(tx, app.id);
  app.installed = false;
  app.active = false;
  app.generation += 1;  // every token issued so far is refused from now on
  w.exec("UPDATE apps SET installed = 0, active = 0, generation = $1 WHERE id = $2", {app.generation, app.id});
  if (clean) {
    const std::string owner = "app:" + std::to_string(app.id);
    w.exec("DELETE FROM app_options WHERE owner = $1", {owner});
    w.exec("DELETE FROM user_options WHERE owner = $1", {owner});
  }
  return app;
}

void on_app_uninstalled(Tx& tx, int64_t app_id) {
  Conn& w = tx.conn;
  // Its bots, commands and chat apps go first (bots/ listens), each bot with its ONIMBOTDELETE,
  // while the application still counts as installed and its bindings exist.
  tx.raise(AppUninstalled{app_id});
  remove_app_bindings(w, app_id);
  remove_app_offline_events(w, app_id);
  w.exec("DELETE FROM oauth_codes WHERE app_id = $1", {app_id});
  w.exec("DELETE FROM oauth_spent_refresh_tokens WHERE app_id = $1", {app_id});
}

}  // namespace imhub
