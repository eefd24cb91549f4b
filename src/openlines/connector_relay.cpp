#include "openlines/connector_relay.hpp"

#include "core/clock.hpp"
#include "core/json.hpp"
#include "openlines/connector.hpp"
#include "openlines/line.hpp"
#include "openlines/session_flow.hpp"
#include "users/user.hpp"

namespace imhub {
namespace {

std::string author_name(Conn& c, int64_t user_id) {
  auto u = find_user(c, user_id);
  return u ? u->full_name() : std::string();
}

}  // namespace

// What the connector's application hears of a message the client should see
// (ONIMCONNECTORMESSAGEADD, reference on-im-connector-message-add.md): the text signed with the
// author's name unless the connector or the line says otherwise.
void relay_to_connector(Tx& tx, const Chat& chat, const Session& s, int64_t message_id, const NewMessage& m) {
  Conn& c = tx.conn;
  auto connector = find_connector(c, s.connector);
  if (!connector || chat.entity_data_3 == "Y") return;
  auto code = UserCode::parse(chat.entity_id);
  auto line = find_line(c, s.line_id);
  std::string text = m.text;
  if (m.author_id > 0 && connector->flag("NEED_SIGNATURE", true) && !(line && line->text("OPERATOR_DATA") == "hide"))
    if (std::string name = author_name(c, m.author_id); !name.empty()) text = "[b]" + name + ":[/b][br]" + text;
  Value item = Value::object({{"im", Value::object({{"chat_id", Value(chat.id)}, {"message_id", Value(message_id)}})},
                              {"message", Value::object({{"user_id", Value(m.author_id)}, {"text", Value(text)}})},
                              {"chat", Value::object({{"id", Value(code ? code->chat : std::string())}})}});
  Value messages = Value::list();
  messages.push_back(std::move(item));
  raise_connector_event(
      c, tx.cause(), s.connector, "ONIMCONNECTORMESSAGEADD",
      Value::object({{"CONNECTOR", Value(s.connector)}, {"LINE", Value(s.line_id)}, {"MESSAGES", std::move(messages)}}),
      chat.id);
}

// OnOpenLineMessageAdd (reference on-open-line-message-add.md) for every message of the chat
// but its notices.
void open_line_message_event(Tx& tx, const Chat& chat, const Session& s, int64_t message_id, const NewMessage& m) {
  auto code = UserCode::parse(chat.entity_id);
  Value entry = Value::object({{"connector", Value::object({{"connector_id", Value(s.connector)},
                                                            {"line_id", Value(s.line_id)},
                                                            {"chat_id", Value(code ? code->chat : std::string())},
                                                            {"user_id", Value(code ? code->user : std::string())}})},
                               {"chat", Value::object({{"id", Value(chat.id)}})},
                               {"message", Value::object({{"id", Value(message_id)},
                                                          {"date", Value(atom_time(now_unix_seconds()))},
                                                          {"text", Value(m.text)},
                                                          {"files", Value::list()},
                                                          {"attach", Value("")},
                                                          {"system", Value(m.system ? "Y" : "N")},
                                                          {"user_id", Value(m.author_id)}})},
                               {"ref", Value::list()},
                               {"extra", Value::object({{"EXTRA_URL", Value("")}})}});
  Value list = Value::list();
  list.push_back(std::move(entry));
  raise_connector_event(tx.conn, tx.cause(), s.connector, "ONOPENLINEMESSAGEADD", Value::object({{"DATA", list}}),
                        chat.id);
}

void on_lines_message_changed(Tx& tx, const Message& before, const Message& after, bool deleted) {
  Conn& c = tx.conn;
  auto chat = find_chat(c, after.chat_id);
  if (!chat || chat->entity_type != "LINES") return;
  auto s = last_session(c, chat->id);
  if (!s || after.author_id == s->user_id) return;
  auto connector = find_connector(c, s->connector);
  if (!connector) return;
  const std::vector<std::string> ids = external_ids_of(c, after.id);
  if (ids.empty()) return;
  auto code = UserCode::parse(chat->entity_id);
  const Value im = Value::object({{"chat_id", Value(chat->id)}, {"message_id", Value(after.id)}});
  const Value external_chat = Value::object({{"id", Value(code ? code->chat : std::string())}});
  Value item;
  if (deleted) {
    if (!connector->flag("DEL_INTERNAL_MESSAGES", true)) return;
    item =
        Value::object({{"im", im}, {"message", Value::object({{"id", Value(ids.front())}})}, {"chat", external_chat}});
  } else {
    if (!connector->flag("EDIT_INTERNAL_MESSAGES", true)) return;
    Value list = Value::list();
    for (const std::string& id : ids) list.push_back(Value(id));
    item = Value::object(
        {{"im", im}, {"message", Value::object({{"id", list}, {"text", Value(after.text)}})}, {"chat", external_chat}});
  }
  (void)before;
  Value messages = Value::list();
  messages.push_back(std::move(item));
  raise_connector_event(
      c, tx.cause(), s->connector, deleted ? "ONIMCONNECTORMESSAGEDELETE" : "ONIMCONNECTORMESSAGEUPDATE",
      Value::object(
          {{"CONNECTOR", Value(s->connector)}, {"LINE", Value(s->line_id)}, {"MESSAGES", std::move(messages)}}),
      chat->id);
}

}  // namespace imhub
