#include "openlines/connector.hpp"

#include "apps/event_route.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "im/chat.hpp"
#include "users/user.hpp"

namespace imhub {
namespace {

Connector read_connector(const Row& r) {
  Connector out;
  out.id = r.str(0);
  out.app_id = r.i64(1);
  out.name = r.str(2);
  if (auto v = parse_json(r.str(3)); v && v->is_map()) out.settings = std::move(*v);
  out.created_at = r.i64(4);
  return out;
}

constexpr const char* kColumns = "id, app_id, name, settings, created_at";

}  // namespace

bool Connector::flag(std::string_view name, bool fallback) const {
  const Value* v = settings.find(name);
  if (!v || v->is_null()) return fallback;
  if (v->is_bool()) return v->get_bool();
  const std::string s = to_upper(trim(v->to_string()));
  if (s == "N" || s == "0" || s == "FALSE" || s.empty()) return false;
  return true;
}

std::optional<Connector> find_connector(Conn& c, const std::string& id) {
  auto r = c.query_one(std::string("SELECT ") + kColumns + " FROM imconnectors WHERE id = $1", {id});
  if (!r) return std::nullopt;
  return read_connector(*r);
}

std::vector<Connector> all_connectors(Conn& c) {
  std::vector<Connector> out;
  for (const Row& r : c.query(std::string("SELECT ") + kColumns + " FROM imconnectors ORDER BY created_at, id"))
    out.push_back(read_connector(r));
  return out;
}

bool save_connector(Conn& c, Connector& connector) {
  auto existing = find_connector(c, connector.id);
  if (existing && existing->app_id != connector.app_id) return false;
  if (existing) {
    connector.created_at = existing->created_at;
    c.exec("UPDATE imconnectors SET name = $2, settings = $3 WHERE id = $1",
           {connector.id, connector.name, to_json(connector.settings)});
    return true;
  }
  connector.created_at = now_unix_seconds();
  c.exec("INSERT INTO imconnectors (id, app_id, name, settings, created_at) VALUES ($1, $2, $3, $4, $5)",
         {connector.id, connector.app_id, connector.name, to_json(connector.settings), connector.created_at});
  return true;
}

bool remove_connector(Conn& c, const std::string& id, int64_t app_id) {
  if (c.exec("DELETE FROM imconnectors WHERE id = $1 AND app_id = $2", {id, app_id}) == 0) return false;
  c.exec("DELETE FROM imconnector_lines WHERE connector = $1", {id});
  return true;
}

void remove_app_connectors(Conn& c, int64_t app_id) {
  c.exec("DELETE FROM imconnector_lines WHERE connector IN (SELECT id FROM imconnectors WHERE app_id = $1)", {app_id});
  c.exec("DELETE FROM imconnectors WHERE app_id = $1", {app_id});
}

ConnectorLine connector_line(Conn& c, const std::string& connector, int64_t line_id) {
  ConnectorLine out;
  auto r = c.query_one("SELECT active, data FROM imconnector_lines WHERE connector = $1 AND line_id = $2",
                       {connector, line_id});
  if (!r) return out;
  out.exists = true;
  out.active = r->i64(0) != 0;
  if (auto v = parse_json(r->str(1))) out.data = std::move(*v);
  return out;
}

void set_connector_active(Conn& c, const std::string& connector, int64_t line_id, bool active) {
  c.exec(
      "INSERT INTO imconnector_lines (connector, line_id, active) VALUES ($1, $2, $3) "
      "ON CONFLICT (connector, line_id) DO UPDATE SET active = $3",
      {connector, line_id, int64_t{active ? 1 : 0}});
}

void set_connector_data(Conn& c, const std::string& connector, int64_t line_id, const Value& data) {
  c.exec(
      "INSERT INTO imconnector_lines (connector, line_id, active, data) VALUES ($1, $2, 0, $3) "
      "ON CONFLICT (connector, line_id) DO UPDATE SET data = $3",
      {connector, line_id, to_json(data)});
}

std::vector<std::string> line_connectors(Conn& c, int64_t line_id) {
  std::vector<std::string> out;
  for (const Row& r : c.query(
           "SELECT connector FROM imconnector_lines WHERE line_id = $1 AND active = 1 ORDER BY connector", {line_id}))
    out.push_back(r.str(0));
  return out;
}

int64_t ensure_connector_user(Conn& c, const std::string& connector, const ExternalUser& u) {
  const std::string xml_id = connector + "|" + u.id;
  const std::string name = u.name.empty() && u.last_name.empty() ? std::string("Guest") : u.name;
  auto r = c.query_one("SELECT id FROM users WHERE xml_id = $1 AND external_auth_id = 'imconnector'", {xml_id});
  if (r) {
    const int64_t id = r->i64(0);
    // The external profile may have changed (a new name); the user row follows it.
    if (auto user = find_user(c, id); user && (user->name != name || user->last_name != u.last_name ||
                                               (!u.email.empty() && user->email != u.email))) {
      user->name = name;
      user->last_name = u.last_name;
      if (!u.email.empty()) user->email = u.email;
      update_user(c, *user);
    }
    return id;
  }
  User user;
  user.login = "imconnector_" + random_hex(8);
  user.name = name;
  user.last_name = u.last_name;
  user.email = u.email;
  user.personal_mobile = u.phone;
  user.personal_gender = u.gender == "F" || u.gender == "M" ? u.gender : "";
  user.personal_www = u.url;
  user.personal_photo = u.picture;
  user.xml_id = xml_id;
  user.external_auth_id = "imconnector";
  return insert_user(c, user);
}

void remember_external_id(Conn& c, int64_t message_id, const std::string& external_id, int64_t chat_id,
                          const std::string& connector, int64_t line_id, const std::string& external_chat,
                          bool outgoing) {
  c.exec(
      "INSERT INTO imconnector_messages (message_id, external_id, chat_id, connector, line_id, external_chat_id, "
      "outgoing) VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (message_id, external_id) DO NOTHING",
      {message_id, external_id, chat_id, connector, line_id, external_chat, int64_t{outgoing ? 1 : 0}});
}

std::optional<int64_t> message_of_external(Conn& c, const std::string& connector, int64_t line_id,
                                           const std::string& external_chat, const std::string& external_id) {
  auto r = c.query_one(
      "SELECT message_id FROM imconnector_messages WHERE connector = $1 AND line_id = $2 AND external_chat_id = $3 "
      "AND external_id = $4 ORDER BY message_id LIMIT 1",
      {connector, line_id, external_chat, external_id});
  if (!r) return std::nullopt;
  return r->i64(0);
}

std::vector<std::string> external_ids_of(Conn& c, int64_t message_id) {
  std::vector<std::string> out;
  for (const Row& r :
       c.query("SELECT external_id FROM imconnector_messages WHERE message_id = $1 ORDER BY external_id", {message_id}))
    out.push_back(r.str(0));
  return out;
}

int rename_connector_chats(Tx& tx, const std::string& connector, int64_t line_id, const std::string& external_chat,
                           const std::string& external_user, const std::string& name) {
  Conn& c = tx.conn;
  const std::string prefix = connector + "|" + std::to_string(line_id) + "|" + external_chat + "|";
  std::vector<int64_t> chats;
  if (!external_user.empty()) {
    if (auto id = find_chat_by_entity(c, "LINES", prefix + external_user)) chats.push_back(*id);
  } else {
    for (const Row& r : c.query("SELECT id FROM chats WHERE entity_type = 'LINES' AND substr(entity_id, 1, $2) = $1 "
                                "ORDER BY id",
                                {prefix, static_cast<int64_t>(prefix.size())}))
      chats.push_back(r.i64(0));
  }
  for (int64_t id : chats) {
    c.exec("UPDATE chats SET title = $2 WHERE id = $1", {id, name});
    tx.raise(ChatChanged{id, 0, ChatField::kTitle, name});
  }
  return static_cast<int>(chats.size());
}

void raise_connector_event(Conn& c, const Cause& cause, const std::string& connector, const std::string& event,
                           const Value& data, int64_t chat_id) {
  auto owner = find_connector(c, connector);
  if (!owner || cause.event_ttl <= 0) return;
  AppEvent e;
  e.app_id = owner->app_id;
  e.event = event;
  e.data = data;
  e.user_id = cause.user_id;
  e.order_key = chat_id > 0 ? "chat:" + std::to_string(chat_id) : "";
  e.event_ttl = cause.event_ttl;
  e.source_connector = cause.connector;
  raise_app_event(c, e);
}

}  // namespace imhub
