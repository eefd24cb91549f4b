// Open-lines commands (protocol-push.md §9.8, module `imopenlines`): what an operator's client
// hears of the sessions of the LINES chats it is in. Connector users (the clients) and bots hear
// nothing; the operator who had a session hears of its close though the close made them leave.
#include <algorithm>

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
}

}  // namespace imhub
