// Open-lines commands (protocol-push.md §9.8, module `imopenlines`): what an operator's client
// hears of the sessions of the LINES chats it is in. Connector users (the clients) and bots hear
// nothing; the operator who had a session hears of its close though the close made them leave. A
// live-chat visitor hears sessionStart / sessionStatus in their own chat's terms.
#include <algorithm>

#include "openlines/livechat.hpp"
#include "push/im_push_commands.hpp"
#include "users/user.hpp"

namespace imhub {
namespace {

Value lines_body(std::string_view command, Value params) {
  return Value::object({{"module_id", Value("imopenlines")},
                        {"command", Value(command)},
                        {"params", std::move(params)},
                        {"extra", Value::empty_object()}});
}

bool operator_person(Conn& c, int64_t user_id) {
  auto u = find_user(c, user_id);
  return u && u->active && u->external_auth_id.empty();
}

// A live-chat visitor hears of the sessions of their conversation in their own chat's terms
// (protocol-push.md §9.8: sessionStart, sessionStatus); nothing else of the LINES chat.
// A change raised on the visitor's own chat is the start of a session (openlines/livechat_relay.cpp).
void publish_to_visitor(const ImOut& out, const LinesSessionChanged& change) {
  auto chat = find_chat(out.c, change.chat_id);
  if (!chat) return;
  if (chat->entity_type == kLivechatEntity) {
    for (int64_t visitor : member_ids(out.c, chat->id))
      out.to_user(visitor, lines_body("sessionStart", Value::object({{"chatId", Value(chat->id)},
                                                                     {"sessionId", Value(change.session_id)}})));
    return;
  }
  const int64_t visitor_chat = visitor_chat_id_of(*chat);
  if (visitor_chat == 0) return;
  auto code = UserCode::parse(chat->entity_id);
  const int64_t visitor = code ? Value(code->user).to_int_or(0) : 0;
  if (visitor <= 0) return;
  out.to_user(visitor,
              lines_body("sessionStatus", Value::object({{"chatId", Value(visitor_chat)},
                                                         {"sessionId", Value(change.session_id)},
                                                         {"sessionStatus", Value(int64_t{change.status})},
                                                         {"spam", Value(change.status == session_status::kSpam)},
                                                         {"sessionClose", Value(change.closed)}})));
}

}  // namespace

void publish_im(const ImOut& out, const LinesSessionChanged& change) {
  std::vector<int64_t> operators;
  for (int64_t id : member_ids(out.c, change.chat_id))
    if (operator_person(out.c, id)) operators.push_back(id);
  if (change.operator_id > 0 && std::find(operators.begin(), operators.end(), change.operator_id) == operators.end() &&
      operator_person(out.c, change.operator_id))
    operators.push_back(change.operator_id);
  if (!operators.empty())
    out.to_users(operators, lines_body("updateSessionStatus", Value::object({{"chatId", Value(change.chat_id)},
                                                                             {"status", Value(change.status)}})));
  if (change.answered_by > 0)
    out.to_user(change.answered_by, lines_body("linesAnswer", Value::object({{"chatId", Value(change.chat_id)}})));
  publish_to_visitor(out, change);
}

}  // namespace imhub
