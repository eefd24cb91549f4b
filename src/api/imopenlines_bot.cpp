// imopenlines.bot.session.* (scope `imopenlines`): the hand-overs of a bot in charge of an
// open-line session. Contract: protocol-openlines.md §4, §5.7; spec 002 "Handling chat bots";
// reference imopenlines/openlines/chat-bots/. Browser sessions are refused (WRONG_AUTH_TYPE).
//
// The calling application's bot (an OAuth application's, or a webhook's with its CLIENT_ID,
// protocol.md §9.5) is the one of its bots in charge of the chat or in it, else its first bot;
// a bot that is neither is not in control of the chat (WRONG_CHAT).
#include "api/common.hpp"
#include "api/openlines_access.hpp"
#include "bots/bot.hpp"
#include "core/error_catalog.hpp"
#include "openlines/session_flow.hpp"
#include "users/user.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/imopenlines/openlines/chat-bots/";

void refuse_sessions(const MethodCall& call) {
  if (call.caller.kind == AuthKind::kSession) throw ApiError(errors::kOlBotSessionAuth);
}

int64_t required_chat_id(const MethodCall& call) {
  auto id = chat_id_param(call);
  if (!id) throw ApiError(errors::kOlChatIdEmpty);
  return *id;
}

// The LINES chat and its open session, for a bot; WRONG_CHAT when there is none.
std::pair<Chat, Session> bot_chat(Conn& c, int64_t chat_id, const ErrorSpec& missing) {
  auto chat = find_chat(c, chat_id);
  if (!chat || chat->entity_type != "LINES") throw ApiError(missing);
  auto s = open_session(c, chat->id);
  if (!s) throw ApiError(missing);
  return {*chat, *s};
}

// The calling application's bot acting in `chat_id`: BOT_ID_ERROR when the application has none,
// WRONG_CHAT when none of its bots is in charge of the session (`in_charge`, 0 for none) or in the chat.
Bot calling_bot(const MethodCall& call, Conn& c, int64_t chat_id, int64_t in_charge) {
  std::string owner;
  if (call.caller.kind == AuthKind::kOAuth) {
    owner = bot_owner_for_app(call.caller.app_id);
  } else if (std::string client = call.param("CLIENT_ID").to_string(); !client.empty()) {
    owner = bot_owner_for_client(call.caller.user_id, client);
  }
  const std::vector<Bot> bots = owner.empty() ? std::vector<Bot>{} : bots_of_owner(c, owner);
  if (bots.empty()) throw ApiError(errors::kBotNotFound);
  for (const Bot& b : bots)
    if (in_charge > 0 && b.id == in_charge) return b;
  for (const Bot& b : bots)
    if (find_member(c, chat_id, b.id)) return b;
  throw ApiError(errors::kOlNotUnderBot);
}

Bot calling_bot(const MethodCall& call, Conn& c, const Session& s) {
  return calling_bot(call, c, s.chat_id, s.operator_id);
}

MethodResult session_operator(MethodCall& call) {
  refuse_sessions(call);
  const int64_t chat_id = required_chat_id(call);
  write_tx(call, [&](Tx& tx) {
    [[maybe_unused]] auto [chat, s] = bot_chat(tx.conn, chat_id, errors::kOlNotBotOperator);
    if (bot_to_queue(tx, s) != FlowStatus::kOk) throw ApiError(errors::kOlNotBotOperator);
  });
  return Value(true);
}

int64_t positive(const Value& v) {
  auto n = v.is_scalar() ? v.to_int() : std::nullopt;
  return n && *n > 0 ? *n : 0;
}

MethodResult session_transfer(MethodCall& call) {
  refuse_sessions(call);
  const int64_t chat_id = required_chat_id(call);
  // USER_ID → QUEUE_ID → TRANSFER_ID (reference imopenlines-bot-session-transfer.md).
  int64_t user_id = 0, line_id = 0;
  if (const Value& u = call.param("USER_ID"); !u.is_null()) {
    if ((user_id = positive(u)) == 0) throw ApiError(errors::kOlUserIdEmpty);
  } else if (const Value& q = call.param("QUEUE_ID"); !q.is_null()) {
    if ((line_id = positive(q)) == 0) throw ApiError(errors::kOlQueueIdEmpty);
  } else if (const Value& t = call.param("TRANSFER_ID"); !t.is_null()) {
    const std::string text = to_lower(trim(t.to_string()));
    if (text.rfind("queue", 0) == 0)
      line_id = positive(Value(text.substr(5)));
    else
      user_id = positive(Value(text));
    if (user_id == 0 && line_id == 0) throw ApiError(errors::kOlTransferIdEmpty);
  } else {
    throw ApiError(errors::kOlTransferIdEmpty);
  }
  const bool leave = call.param("LEAVE").is_yes();
  write_tx(call, [&](Tx& tx) {
    [[maybe_unused]] auto [chat, s] = bot_chat(tx.conn, chat_id, errors::kOlNotUnderBot);
    const Bot bot = calling_bot(call, tx.conn, s);
    const FlowStatus status =
        user_id > 0 ? transfer_to_user(tx, s, bot.id, user_id, leave) : transfer_to_line(tx, s, bot.id, line_id, leave);
    if (status != FlowStatus::kOk) throw ApiError(errors::kOlOperatorWrong);
  });
  return Value(true);
}

MethodResult session_finish(MethodCall& call) {
  refuse_sessions(call);
  const int64_t chat_id = required_chat_id(call);
  write_tx(call, [&](Tx& tx) {
    [[maybe_unused]] auto [chat, s] = bot_chat(tx.conn, chat_id, errors::kOlNotUnderBot);
    const Bot bot = calling_bot(call, tx.conn, s);
    finish_session(tx, s, bot.id, session_status::kClose);
  });
  return Value(true);
}

MethodResult session_message_send(MethodCall& call) {
  refuse_sessions(call);
  const int64_t chat_id = required_chat_id(call);
  const bool welcome = to_upper(trim(call.param("NAME").to_string())) == "WELCOME";
  const std::string message = call.param("MESSAGE").to_string();
  write_tx(call, [&](Tx& tx) {
    auto chat = find_chat(tx.conn, chat_id);
    if (!chat || chat->entity_type != "LINES") throw ApiError(errors::kOlNotUnderBot);
    std::string text = message;
    if (welcome) {
      auto line = find_line(tx.conn, chat_line_id(tx.conn, *chat));
      text = line ? line->text("WELCOME_MESSAGE_TEXT") : std::string();
    }
    if (!trim(text).empty()) post_automatic(tx, chat->id, text);
  });
  return Value(true);
}

// A positive id parameter, or 0 when it is missing or no positive number.
int64_t positive_param(const MethodCall& call, const char* name) { return positive(call.param(name)); }

// The bot hands the client to OPERATOR_ID in a new dialog started from MESSAGE_ID (the platform's
// Operator::openNewDialogByMessage as OPERATOR_ID): the open session, if any, closes and the
// operator's own session starts, as imopenlines.message.session.start does for an operator. The
// bot must be the caller's and in the chat; OPERATOR_ID must be someone who may operate it.
MethodResult session_dialog_new(MethodCall& call) {
  refuse_sessions(call);
  const int64_t chat_id = positive_param(call, "CHAT_ID");
  if (chat_id == 0) throw ApiError(errors::kOlEmptyChatId);
  const int64_t operator_id = positive_param(call, "OPERATOR_ID");
  if (operator_id == 0) throw ApiError(errors::kOlEmptyOperatorId);
  const int64_t message_id = positive_param(call, "MESSAGE_ID");
  if (message_id == 0) throw ApiError(errors::kOlEmptyMessageId);
  write_tx(call, [&](Tx& tx) {
    auto chat = find_chat(tx.conn, chat_id);
    if (!chat) throw ApiError(errors::kOlChatId);
    if (chat->entity_type != "LINES") throw ApiError(errors::kOlChatType);
    auto open = open_session(tx.conn, chat->id);
    calling_bot(call, tx.conn, chat->id, open ? open->operator_id : 0);
    auto op = find_user(tx.conn, operator_id);
    if (!op || !may_operate(tx.conn, *chat, operator_id, op->is_admin)) throw ApiError(errors::kOlAccessDenied);
    auto message = find_message(tx.conn, message_id);
    if (!message || message->chat_id != chat->id) throw ApiError(errors::kOlAccessDenied);
    start_operator_session(tx, *chat, operator_id, open);
  });
  return Value(true);
}

}  // namespace

void register_imopenlines_bot_methods(Registry& r) {
  const MethodTable table{r, "imopenlines", kDoc};
  table.add("imopenlines.bot.session.operator", Effect::kWrite, session_operator,
            "imopenlines-bot-session-operator.md");
  table.add("imopenlines.bot.session.transfer", Effect::kWrite, session_transfer,
            "imopenlines-bot-session-transfer.md");
  table.add("imopenlines.bot.session.finish", Effect::kWrite, session_finish, "imopenlines-bot-session-finish.md");
  table.add("imopenlines.bot.session.message.send", Effect::kWrite, session_message_send,
            "imopenlines-bot-session-message-send.md");
  table.add("imopenlines.bot.session.dialog.new", Effect::kWrite, session_dialog_new, "",
            "no reference page (protocol-openlines.md §5.7); the caller's bot must be in the chat, OPERATOR_ID "
            "someone who may operate it; the message is not copied");
  // The method's older name, still accepted by the platform (CORP rest.php).
  table.add("imopenlines.bot.session.send.message", Effect::kWrite, session_message_send,
            "imopenlines-bot-session-message-send.md");
}

}  // namespace imhub
