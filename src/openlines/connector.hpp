// Connectors (protocol-openlines.md §7; reference imopenlines/imconnector/): the custom
// connectors applications register, their activation and channel data per line, the connector
// users who write through them, the external ids of the messages they carry, and the events
// that go back to the connector's application.
//
// A connector user is a real user (EXTERNAL_AUTH_ID "imconnector", XML_ID "<connector>|<external
// user id>"): a member of the LINES chat, never an operator, invisible to people search.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "im/change_feed.hpp"
#include "store/store.hpp"

namespace imhub {

struct Connector {
  std::string id;  // lower case, [a-z0-9_]
  int64_t app_id = 0;
  std::string name;
  // ICON, ICON_DISABLED, PLACEMENT_HANDLER and the flags (DEL_EXTERNAL_MESSAGES,
  // EDIT_INTERNAL_MESSAGES, DEL_INTERNAL_MESSAGES, NEWSLETTER, NEED_SYSTEM_MESSAGES,
  // NEED_SIGNATURE, CHAT_GROUP) as registered.
  Value settings = Value::map();
  int64_t created_at = 0;

  // A flag of the registration: given as Y/N, true/false or 1/0; `fallback` when not given.
  bool flag(std::string_view name, bool fallback) const;
};

std::optional<Connector> find_connector(Conn& c, const std::string& id);
std::vector<Connector> all_connectors(Conn& c);
// Registers or (same application) updates; false when another application owns the id.
bool save_connector(Conn& c, Connector& connector);
// Removes the application's connector and its line activations; false when it has none by that id.
bool remove_connector(Conn& c, const std::string& id, int64_t app_id);
// Connectors of an uninstalled application go with it.
void remove_app_connectors(Conn& c, int64_t app_id);

// The connector on one line (imconnector.activate, imconnector.connector.data.set).
struct ConnectorLine {
  bool exists = false;
  bool active = false;
  Value data;  // DATA of connector.data.set (null until set)
};
ConnectorLine connector_line(Conn& c, const std::string& connector, int64_t line_id);
void set_connector_active(Conn& c, const std::string& connector, int64_t line_id, bool active);
void set_connector_data(Conn& c, const std::string& connector, int64_t line_id, const Value& data);
// The connectors active on a line.
std::vector<std::string> line_connectors(Conn& c, int64_t line_id);

// The user an external person writes as: found by connector and external id, created when new,
// their name kept up to date.
struct ExternalUser {
  std::string id;
  std::string name, last_name, email, phone, gender, url, picture;
};
int64_t ensure_connector_user(Conn& c, const std::string& connector, const ExternalUser& u);

// External ids of messages: incoming ones as the connector sent them, outgoing ones as it
// reported them delivered (imconnector.send.status.delivery).
void remember_external_id(Conn& c, int64_t message_id, const std::string& external_id, int64_t chat_id,
                          const std::string& connector, int64_t line_id, const std::string& external_chat,
                          bool outgoing);
std::optional<int64_t> message_of_external(Conn& c, const std::string& connector, int64_t line_id,
                                           const std::string& external_chat, const std::string& external_id);
std::vector<std::string> external_ids_of(Conn& c, int64_t message_id);

// imconnector.chat.name.set: the LINES chats of an external chat get `name` as their title (of
// one external user's conversation when `external_user` is given). Returns how many were renamed.
int rename_connector_chats(Tx& tx, const std::string& connector, int64_t line_id, const std::string& external_chat,
                           const std::string& external_user, const std::string& name);

// Raises `event` with `data` for the application that owns `connector` (nothing for connectors
// no application owns): through its event bindings, in the order of the chat's other events.
void raise_connector_event(Conn& c, const Cause& cause, const std::string& connector, const std::string& event,
                           const Value& data, int64_t chat_id);

}  // namespace imhub
