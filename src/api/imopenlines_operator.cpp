// imopenlines.operator.* and the operator's imopenlines.session.* (scope `imopenlines`).
// Contract: protocol-openlines.md §5.4–§5.5; reference imopenlines/openlines/operators/ and
// sessions/. The session rules are openlines/session_flow.hpp; here are parameters and errors.
#include "api/common.hpp"
#include "api/im_common.hpp"
#include "api/openlines_access.hpp"
#include "core/error_catalog.hpp"
#include "openlines/session_flow.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/imopenlines/openlines/";

namespace st = session_status;

// Runs an operator action on the chat's open session (no open session: ACCESS_DENIED).
template <class F>
MethodResult on_open_session(MethodCall& call, F&& act) {
  const auto chat_id = chat_id_param(call);
  write_tx(call, [&](Tx& tx) {
    const Chat chat = operator_chat(call, tx.conn, chat_id);
    Session s = open_session_or_deny(tx.conn, chat);
    act(tx, chat, s);
  });
  return Value(true);
}

MethodResult operator_answer(MethodCall& call) {
  return on_open_session(call, [&](Tx& tx, const Chat&, Session& s) { answer_session(tx, s, call.caller.user_id); });
}

MethodResult operator_skip(MethodCall& call) {
  const auto chat_id = chat_id_param(call);
  write_tx(call, [&](Tx& tx) {
    const Chat chat = operator_chat(call, tx.conn, chat_id);
    auto s = open_session(tx.conn, chat.id);
    if (!s || skip_session(tx, *s, call.caller.user_id) != FlowStatus::kOk) throw ApiError(errors::kOlAccessDeniedKick);
  });
  return Value(true);
}

// Finishing one's own dialog: the operator in charge (or an administrator); someone else's is
// operator.another.finish.
void finish_own(MethodCall& call, int status) {
  on_open_session(call, [&](Tx& tx, const Chat&, Session& s) {
    if (s.operator_id != call.caller.user_id && !call.caller.is_admin) throw ApiError(errors::kOlAccessDenied);
    if (status == st::kClose)
      close_session(tx, s, call.caller.user_id, false);
    else
      finish_session(tx, s, call.caller.user_id, status);
  });
}

MethodResult operator_finish(MethodCall& call) {
  finish_own(call, st::kClose);
  return Value(true);
}

MethodResult operator_spam(MethodCall& call) {
  finish_own(call, st::kSpam);
  return Value(true);
}

MethodResult operator_another_finish(MethodCall& call) {
  return on_open_session(call,
                         [&](Tx& tx, const Chat&, Session& s) { close_session(tx, s, call.caller.user_id, false); });
}

// TRANSFER_ID (a user id or "queue<line>"), else USER_ID, else QUEUE_ID.
struct TransferTarget {
  int64_t user_id = 0;
  int64_t line_id = 0;
};
TransferTarget transfer_target(const MethodCall& call, bool user_first) {
  auto positive = [](const Value& v) -> int64_t {
    auto n = v.is_scalar() ? v.to_int() : std::nullopt;
    return n && *n > 0 ? *n : 0;
  };
  const Value& transfer = call.param("TRANSFER_ID");
  const Value& user = call.param("USER_ID");
  const Value& queue = call.param("QUEUE_ID");
  auto from_transfer = [&]() -> TransferTarget {
    const std::string t = to_lower(trim(transfer.to_string()));
    if (t.rfind("queue", 0) == 0) {
      const int64_t line = positive(Value(t.substr(5)));
      if (line > 0) return {0, line};
    } else if (const int64_t id = positive(Value(t)); id > 0) {
      return {id, 0};
    }
    throw ApiError(errors::kOlTransferIdEmpty);
  };
  // The bot's variant checks USER_ID → QUEUE_ID → TRANSFER_ID; the operator's TRANSFER_ID first.
  if (!user_first && !transfer.is_null()) return from_transfer();
  if (!user.is_null()) {
    const int64_t id = positive(user);
    if (id == 0) throw ApiError(errors::kOlUserIdEmpty);
    return {id, 0};
  }
  if (!queue.is_null()) {
    const int64_t id = positive(queue);
    if (id == 0) throw ApiError(errors::kOlQueueIdEmpty);
    return {0, id};
  }
  if (!transfer.is_null()) return from_transfer();
  throw ApiError(errors::kOlTransferIdEmpty);
}

MethodResult operator_transfer(MethodCall& call) {
  const auto chat_id = chat_id_param(call);
  if (!chat_id) throw ApiError(errors::kOlChatIdEmpty);
  const TransferTarget target = transfer_target(call, false);
  write_tx(call, [&](Tx& tx) {
    const Chat chat = operator_chat(call, tx.conn, chat_id);
    Session s = open_session_or_deny(tx.conn, chat);
    const FlowStatus status = target.user_id > 0 ? transfer_to_user(tx, s, call.caller.user_id, target.user_id, true)
                                                 : transfer_to_line(tx, s, call.caller.user_id, target.line_id, true);
    if (status != FlowStatus::kOk) throw ApiError(errors::kOlOperatorWrong);
  });
  return Value(true);
}

MethodResult session_intercept(MethodCall& call) {
  const auto chat_id = chat_id_param(call);
  if (!chat_id) throw ApiError(errors::kOlChatIdEmpty);
  write_tx(call, [&](Tx& tx) {
    auto chat = find_chat(tx.conn, *chat_id);
    if (!chat || !may_operate(tx.conn, *chat, call.caller.user_id, call.caller.is_admin))
      throw ApiError(errors::kOlInterceptWrong);
    auto s = open_session(tx.conn, chat->id);
    if (!s || intercept_session(tx, *s, call.caller.user_id) != FlowStatus::kOk)
      throw ApiError(errors::kOlInterceptWrong);
  });
  return Value(true);
}

MethodResult session_join(MethodCall& call) {
  return on_open_session(call, [&](Tx& tx, const Chat&, Session& s) { join_session(tx, s, call.caller.user_id); });
}

MethodResult session_start(MethodCall& call) {
  const auto chat_id = chat_id_param(call);
  write_tx(call, [&](Tx& tx) {
    const Chat chat = operator_chat(call, tx.conn, chat_id);
    if (!open_session(tx.conn, chat.id)) start_operator_session(tx, chat, call.caller.user_id, std::nullopt);
  });
  return Value(true);
}

MethodResult message_session_start(MethodCall& call) {
  const auto chat_id = chat_id_param(call);
  const auto message_id = positive_id_param(call, {"MESSAGE_ID"});
  write_tx(call, [&](Tx& tx) {
    const Chat chat = operator_chat(call, tx.conn, chat_id);
    auto message = message_id ? find_message(tx.conn, *message_id) : std::nullopt;
    if (!message || message->chat_id != chat.id) throw ApiError(errors::kOlAccessDenied);
    start_operator_session(tx, chat, call.caller.user_id, open_session(tx.conn, chat.id));
  });
  return Value(true);
}

MethodResult session_open(MethodCall& call) {
  auto code = UserCode::parse(call.param("USER_CODE").to_string());
  return call.services.store.read_with([&](Conn& c) -> Value {
    auto chat_id = code ? find_chat_by_entity(c, "LINES", code->str()) : std::nullopt;
    auto chat = chat_id ? find_chat(c, *chat_id) : std::nullopt;
    if (!chat || !may_operate(c, *chat, call.caller.user_id, call.caller.is_admin))
      throw ApiError(errors::kOlSessionOpenDenied);
    return Value::object({{"chatId", Value(std::to_string(chat->id))}});
  });
}

bool activate_param(const MethodCall& call) {
  const Value& v = call.param("ACTIVATE");
  return v.is_null() || to_upper(trim(v.to_string())) != "N";
}

MethodResult mode_silent(MethodCall& call) {
  const auto chat_id = chat_id_param(call);
  const bool on = activate_param(call);
  write_tx(call, [&](Tx& tx) {
    const Chat chat = operator_chat(call, tx.conn, chat_id);
    tx.conn.exec("UPDATE chats SET entity_data_3 = $2 WHERE id = $1", {chat.id, std::string(on ? "Y" : "N")});
  });
  return Value(true);
}

MethodResult mode_pin(MethodCall& call) {
  if (call.param("CHAT_ID").is_null()) throw ApiError(errors::kOlChatIdEmpty);
  const bool on = activate_param(call);
  return on_open_session(call, [&](Tx& tx, const Chat&, Session& s) {
    s.pinned = on;
    save_session(tx.conn, s);
  });
}

// pinAll / unpinAll: the caller's open sessions that changed, by id.
Value pin_all(MethodCall& call, bool on) {
  return write_tx(call, [&](Tx& tx) {
    Value ids = Value::list();
    for (Session& s : open_sessions_of(tx.conn, call.caller.user_id)) {
      if (s.pinned == on) continue;
      s.pinned = on;
      save_session(tx.conn, s);
      ids.push_back(Value(s.id));
    }
    return ids;
  });
}

MethodResult mode_pin_all(MethodCall& call) { return pin_all(call, true); }
MethodResult mode_unpin_all(MethodCall& call) { return pin_all(call, false); }

}  // namespace

void register_imopenlines_operator_methods(Registry& r) {
  const MethodTable table{r, "imopenlines", kDoc};
  table.add("imopenlines.operator.answer", Effect::kWrite, operator_answer, "operators/imopenlines-operator-answer.md");
  table.add("imopenlines.operator.skip", Effect::kWrite, operator_skip, "operators/imopenlines-operator-skip.md");
  table.add("imopenlines.operator.spam", Effect::kWrite, operator_spam, "operators/imopenlines-operator-spam.md");
  table.add("imopenlines.operator.finish", Effect::kWrite, operator_finish, "operators/imopenlines-operator-finish.md");
  table.add("imopenlines.operator.another.finish", Effect::kWrite, operator_another_finish,
            "operators/imopenlines-operator-another-finish.md");
  table.add("imopenlines.operator.transfer", Effect::kWrite, operator_transfer,
            "operators/imopenlines-operator-transfer.md");
  table.add("imopenlines.session.intercept", Effect::kWrite, session_intercept,
            "sessions/imopenlines-session-intercept.md");
  table.add("imopenlines.session.join", Effect::kWrite, session_join, "sessions/imopenlines-session-join.md");
  table.add("imopenlines.session.start", Effect::kWrite, session_start, "sessions/imopenlines-session-start.md");
  table.add("imopenlines.message.session.start", Effect::kWrite, message_session_start,
            "sessions/imopenlines-message-session-start.md",
            "the open session is closed and a new one started by the operator; the message is not copied");
  table.add("imopenlines.session.open", Effect::kRead, session_open, "sessions/imopenlines-session-open.md");
  table.add("imopenlines.session.mode.silent", Effect::kWrite, mode_silent,
            "sessions/imopenlines-session-mode-silent.md");
  table.add("imopenlines.session.mode.pin", Effect::kWrite, mode_pin, "sessions/imopenlines-session-mode-pin.md",
            "stored; imhub does not redistribute sessions yet, so pinning changes nothing else");
  table.add("imopenlines.session.mode.pinAll", Effect::kWrite, mode_pin_all,
            "sessions/imopenlines-session-mode-pin-all.md");
  table.add("imopenlines.session.mode.unpinAll", Effect::kWrite, mode_unpin_all,
            "sessions/imopenlines-session-mode-unpin-all.md");
}

}  // namespace imhub
