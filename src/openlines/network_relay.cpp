#include "openlines/network_relay.hpp"

#include "core/json.hpp"
#include "im/message_actions.hpp"
#include "im/message_post.hpp"
#include "openlines/message_pairs.hpp"
#include "openlines/session_flow.hpp"
#include "users/user.hpp"

namespace imhub {
namespace {

// A private dialog between a person and a line's network bot.
struct NetworkDialog {
  int64_t line_id = 0;
  int64_t bot_id = 0;
  int64_t user_id = 0;
};

std::optional<NetworkDialog> network_dialog(Conn& c, const Chat& chat) {
  if (chat.type != "P") return std::nullopt;
  auto r = c.query_one(
      "SELECT o.id, o.network_bot_id FROM chat_members m JOIN openlines o ON o.network_bot_id = m.user_id "
      "WHERE m.chat_id = $1",
      {chat.id});
  if (!r) return std::nullopt;
  NetworkDialog d{r->i64(0), r->i64(1), 0};
  for (int64_t m : member_ids(c, chat.id))
    if (m != d.bot_id) d.user_id = m;
  if (d.user_id <= 0) return std::nullopt;
  return d;
}

// The network LINES chat's client and private dialog (nullopt for chats of other connectors).
struct NetworkLinesChat {
  UserCode code;
  int64_t client = 0;
  int64_t dialog_chat = 0;
};

std::optional<NetworkLinesChat> network_lines_chat(const Chat& chat) {
  if (chat.entity_type != "LINES") return std::nullopt;
  auto code = UserCode::parse(chat.entity_id);
  if (!code || code->connector != kNetworkConnector) return std::nullopt;
  NetworkLinesChat n{*code, Value(code->user).to_int_or(0), Value(code->chat).to_int_or(0)};
  if (n.client <= 0 || n.dialog_chat <= 0) return std::nullopt;
  return n;
}

int64_t network_bot_of(Conn& c, int64_t line_id) {
  auto r = c.query_one("SELECT network_bot_id FROM openlines WHERE id = $1", {line_id});
  return r && !r->is_null(0) ? r->i64(0) : 0;
}

UserCode lines_code(int64_t line_id, int64_t dialog_chat, int64_t user_id) {
  UserCode code;
  code.connector = std::string(kNetworkConnector);
  code.line_id = line_id;
  code.chat = std::to_string(dialog_chat);
  code.user = std::to_string(user_id);
  return code;
}

// What the user reads in their private dialog: the bot's message, signed with the author's name
// (as a connector's client reads it) unless the line hides its operators (OPERATOR_DATA=hide).
std::string dialog_text(Conn& c, int64_t line_id, int64_t author_id, const std::string& text) {
  if (author_id <= 0) return text;
  auto line = find_line(c, line_id);
  if (line && line->text("OPERATOR_DATA") == "hide") return text;
  auto u = find_user(c, author_id);
  if (!u || u->full_name().empty()) return text;
  return "[b]" + u->full_name() + ":[/b][br]" + text;
}

// The bot's copy keeps the message's parts (ATTACH, KEYBOARD …) but not the class of the line's
// automatic messages: in the private dialog it is the bot's own message.
std::string dialog_params(const std::string& params_json) {
  auto parsed = parse_json(params_json);
  if (!parsed || !parsed->is_map()) return std::string();
  Value params = std::move(*parsed);
  params.get_map().erase("CLASS");
  return params.size() == 0 ? std::string() : to_json(params);
}

// The user wrote to the network bot: into the line, as them.
void from_user(Tx& tx, const Chat& chat, int64_t message_id, const NewMessage& m) {
  Conn& c = tx.conn;
  if (m.author_id <= 0 || m.system) return;
  auto d = network_dialog(c, chat);
  if (!d || m.author_id != d->user_id) return;
  auto line = find_line(c, d->line_id);
  if (!line) return;
  const int64_t before = tx.act_as(d->user_id);
  const Chat lines = ensure_lines_chat(tx, *line, lines_code(line->id, chat.id, d->user_id), d->user_id, false);
  ensure_session(tx, *line, lines, d->user_id);
  const int64_t copy = post_message(tx, NewMessage{lines.id, d->user_id, m.text, m.params_json, false, ""});
  pair_relayed_messages(c, message_id, copy);
  tx.act_as(before);
}

// Someone wrote in a network LINES chat: what the client should see goes to the private dialog.
void to_user(Tx& tx, const Chat& lines, const NetworkLinesChat& n, int64_t message_id, const NewMessage& m) {
  Conn& c = tx.conn;
  if (m.author_id == n.client) return;     // the user's own, already in the dialog
  if (lines.entity_data_3 == "Y") return;  // silent mode
  const bool automatic = m.params_json.find(kClientMessageClass) != std::string::npos;
  if (m.author_id <= 0 ? !automatic : (m.system && !automatic)) return;  // notices stay with the operators
  const int64_t bot = network_bot_of(c, n.code.line_id);
  auto dialog = find_chat(c, n.dialog_chat);
  if (bot <= 0 || !dialog || !find_member(c, dialog->id, bot)) return;
  NewMessage copy{dialog->id, bot, dialog_text(c, n.code.line_id, m.author_id, m.text), dialog_params(m.params_json),
                  false,      ""};
  const int64_t id = post_message(tx, *dialog, copy, true);
  pair_relayed_messages(c, id, message_id);
}

}  // namespace

std::optional<NetworkTyping> network_typing_echo(Conn& c, const Chat& chat, int64_t user_id) {
  if (chat.type == "P") {
    auto d = network_dialog(c, chat);
    if (!d || user_id != d->user_id) return std::nullopt;
    auto line = find_line(c, d->line_id);
    if (!line || !line->flag("WATCH_TYPING")) return std::nullopt;
    auto lines = find_chat_by_entity(c, "LINES", lines_code(d->line_id, chat.id, d->user_id).str());
    if (!lines) return std::nullopt;
    return NetworkTyping{*lines, user_id};
  }
  auto n = network_lines_chat(chat);
  if (!n || user_id == n->client || chat.entity_data_3 == "Y") return std::nullopt;
  const int64_t bot = network_bot_of(c, n->code.line_id);
  if (bot <= 0) return std::nullopt;
  return NetworkTyping{n->dialog_chat, bot};
}

void relay_network_message(Tx& tx, const Chat& chat, int64_t message_id, const NewMessage& m, bool by_bot) {
  if (chat.type == "P") {
    if (!by_bot) from_user(tx, chat, message_id, m);
  } else if (auto n = network_lines_chat(chat)) {
    to_user(tx, chat, *n, message_id, m);
  }
}

void relay_network_change(Tx& tx, const Message& before, const Message& after, bool deleted, bool complete) {
  Conn& c = tx.conn;
  auto chat = find_chat(c, after.chat_id);
  if (!chat) return;
  int64_t other = 0;
  std::string text = after.text;
  if (chat->type == "P") {
    // Only the user's own messages travel; a change to the bot's copy came from the line.
    auto d = network_dialog(c, *chat);
    if (!d || after.author_id != d->user_id) return;
    other = relayed_counterpart(c, after.id, true);
  } else if (auto n = network_lines_chat(*chat)) {
    if (after.author_id == n->client) return;
    other = relayed_counterpart(c, after.id, false);
    text = dialog_text(c, n->code.line_id, after.author_id, after.text);
  }
  follow_to_copy(tx, other, before, after, deleted, complete, text);
}

}  // namespace imhub
