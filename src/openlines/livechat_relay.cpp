#include "openlines/livechat_relay.hpp"

#include "core/json.hpp"
#include "im/message_actions.hpp"
#include "im/message_post.hpp"
#include "openlines/livechat.hpp"
#include "openlines/message_pairs.hpp"
#include "openlines/session_flow.hpp"

namespace imhub {
namespace {

int64_t visitor_of(const Chat& visitor_chat) {
  const auto bar = visitor_chat.entity_id.find('|');
  return bar == std::string::npos ? 0 : Value(visitor_chat.entity_id.substr(bar + 1)).to_int_or(0);
}

bool line_automatic(const std::string& params_json) {
  return params_json.find(kClientMessageClass) != std::string::npos;
}

// The visitor wrote in their chat: into the line, as them.
void from_visitor(Tx& tx, const Chat& chat, int64_t message_id, const NewMessage& m) {
  Conn& c = tx.conn;
  const int64_t visitor = visitor_of(chat);
  if (m.author_id <= 0 || m.system || m.author_id != visitor) return;  // a copy, or the chat's own notice
  auto line = find_line(c, visitor_chat_line(chat));
  if (!line) return;
  const int64_t before = tx.act_as(visitor);
  const Chat lines = ensure_lines_chat(tx, *line, operator_chat_code(chat, visitor), visitor);
  const bool fresh = !open_session(c, lines.id).has_value();
  const Session s = ensure_session(tx, *line, lines, visitor);
  // Raised on the visitor's chat, the session change means "a session of your conversation
  // started": the push tells the visitor sessionStart (push/im_push_lines.cpp).
  if (fresh) tx.raise(LinesSessionChanged{chat.id, s.id, s.status, false, 0, 0});
  const int64_t copy = post_message(tx, NewMessage{lines.id, visitor, m.text, m.params_json, false, ""});
  pair_relayed_messages(c, message_id, copy);
  tx.act_as(before);
}

// Someone wrote in a livechat LINES chat: what the client should see goes to the visitor's chat.
void to_visitor(Tx& tx, const Chat& lines, int64_t visitor_chat_id, int64_t message_id, const NewMessage& m,
                bool by_bot) {
  Conn& c = tx.conn;
  auto code = UserCode::parse(lines.entity_id);
  if (!code || m.author_id == Value(code->user).to_int_or(-1)) return;  // the visitor's own, already there
  if (lines.entity_data_3 == "Y") return;                               // silent mode
  const bool automatic = line_automatic(m.params_json);
  if (m.author_id <= 0 ? !automatic : (m.system && !automatic)) return;  // notices stay with the operators
  auto visitor_chat = find_chat(c, visitor_chat_id);
  if (!visitor_chat) return;
  auto line = find_line(c, code->line_id);
  const bool show_operator = !line || line->text("OPERATOR_DATA") == "profile";
  NewMessage copy{visitor_chat->id, m.author_id, m.text, m.params_json, m.system, ""};
  if (m.author_id > 0 && !show_operator) {
    copy.author_id = 0;
    copy.system = true;
    Value params = Value::map();
    if (auto parsed = parse_json(m.params_json); parsed && parsed->is_map()) params = std::move(*parsed);
    params["CLASS"] = kClientMessageClass;
    copy.params_json = to_json(params);
  }
  const int64_t id = post_message(tx, *visitor_chat, copy, by_bot);
  pair_relayed_messages(c, id, message_id);
}

}  // namespace

void relay_livechat_message(Tx& tx, const Chat& chat, int64_t message_id, const NewMessage& m, bool by_bot) {
  if (chat.entity_type == kLivechatEntity) {
    from_visitor(tx, chat, message_id, m);
  } else if (const int64_t visitor_chat = visitor_chat_id_of(chat); visitor_chat > 0) {
    to_visitor(tx, chat, visitor_chat, message_id, m, by_bot);
  }
}

void relay_livechat_change(Tx& tx, const Message& before, const Message& after, bool deleted, bool complete) {
  Conn& c = tx.conn;
  auto chat = find_chat(c, after.chat_id);
  if (!chat) return;
  int64_t other = 0;
  if (chat->entity_type == kLivechatEntity) {
    // Only the visitor's own messages travel back; a change to a copy came from the other side.
    if (after.author_id <= 0 || after.author_id != visitor_of(*chat)) return;
    other = relayed_counterpart(c, after.id, true);
  } else if (visitor_chat_id_of(*chat) > 0) {
    auto code = UserCode::parse(chat->entity_id);
    if (code && after.author_id == Value(code->user).to_int_or(-1)) return;
    other = relayed_counterpart(c, after.id, false);
  }
  follow_to_copy(tx, other, before, after, deleted, complete, after.text);
}

}  // namespace imhub
