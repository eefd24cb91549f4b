// imopenlines.dialog.get, imopenlines.session.history.get, imopenlines.session.head.vote (scope
// `imopenlines`). Contract: protocol-openlines.md §5.3, §5.5; reference
// imopenlines/openlines/sessions/imopenlines-{dialog-get,session-history-get,session-head-vote}.md.
#include "api/common.hpp"
#include "api/im_common.hpp"
#include "api/openlines_access.hpp"
#include "core/clock.hpp"
#include "core/error_catalog.hpp"
#include "im/message.hpp"
#include "openlines/line.hpp"
#include "openlines/session_flow.hpp"
#include "users/user.hpp"
#include "views/chat_view.hpp"
#include "views/im_user.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/imopenlines/openlines/sessions/";

// The chat one of CHAT_ID, DIALOG_ID ("chatN"), SESSION_ID or USER_CODE names; DIALOG_ID_EMPTY
// when none is given.
std::optional<Chat> named_chat(const MethodCall& call, Conn& c) {
  if (auto id = chat_id_param(call)) return find_chat(c, *id);
  if (const Value& d = call.param("DIALOG_ID"); !d.is_null()) {
    auto dialog = parse_dialog_id(d.to_string());
    if (!dialog || !dialog->is_chat) return std::nullopt;
    return find_chat(c, dialog->id);
  }
  if (const Value& s = call.param("SESSION_ID"); !s.is_null()) {
    auto id = s.is_scalar() ? s.to_int() : std::nullopt;
    auto session = id ? find_session(c, *id) : std::nullopt;
    return session ? find_chat(c, session->chat_id) : std::nullopt;
  }
  if (const Value& u = call.param("USER_CODE"); !u.is_null()) {
    auto code = UserCode::parse(u.to_string());
    auto id = code ? find_chat_by_entity(c, "LINES", code->str()) : std::nullopt;
    return id ? find_chat(c, *id) : std::nullopt;
  }
  throw ApiError(errors::kDialogIdEmpty);
}

MethodResult dialog_get(MethodCall& call) {
  return call.services.store.read_with([&](Conn& c) -> Value {
    auto chat = named_chat(call, c);
    if (!chat || !may_operate(c, *chat, call.caller.user_id, call.caller.is_admin))
      throw ApiError(errors::kOlDialogAccess);
    Value v = im_chat_object(c, *chat, ChatViewOptions{.viewer = call.caller.user_id});
    v["dialog_id"] = "chat" + std::to_string(chat->id);
    return v;
  });
}

// --- session.history.get

Value history_message(const Message& m, int64_t chat_id) {
  const std::string recipient = "chat" + std::to_string(chat_id);
  return Value::object({{"id", Value(std::to_string(m.id))},
                        {"chatid", Value(std::to_string(m.chat_id))},
                        {"senderid", Value(std::to_string(m.author_id))},
                        {"recipientid", Value(recipient)},
                        {"date", Value(atom_time(m.created_at))},
                        {"text", Value(m.text)},
                        {"textlegacy", Value(m.text)},
                        {"params", m.params.is_map() ? m.params : Value::empty_object()}});
}

// The camelCase user of the history (reference example).
Value history_user(Conn& c, const Config& config, const User& u) {
  const Value im = im_user_object(c, config, u);
  return Value::object({{"id", Value(std::to_string(u.id))},
                        {"name", Value(u.full_name())},
                        {"active", Value(u.active)},
                        {"firstName", Value(u.name)},
                        {"lastName", Value(u.last_name)},
                        {"workPosition", Value(u.work_position)},
                        {"color", im["color"]},
                        {"avatar", im["avatar"]},
                        {"gender", Value(u.personal_gender == "F" ? "F" : "M")},
                        {"extranet", Value(u.user_type == "extranet")},
                        {"network", Value(false)},
                        {"bot", Value(u.external_auth_id == "bot")},
                        {"connector", Value(u.external_auth_id == "imconnector")},
                        {"externalAuthId", Value(u.external_auth_id.empty() ? "default" : u.external_auth_id)},
                        {"status", im["status"]},
                        {"lastActivityDate", im["last_activity_date"]},
                        {"departments", im["departments"]},
                        {"type", Value(u.external_auth_id == "bot" ? "bot" : "user")}});
}

Value history_chat(Conn& c, const Chat& chat) {
  Value mute = Value::empty_object();
  Value members = Value::list();
  Value blocked = Value::empty_object();
  for (const ChatMember& m : chat_members(c, chat.id)) {
    mute[std::to_string(m.user_id)] = m.muted;
    blocked[std::to_string(m.user_id)] = false;
    members.push_back(Value(m.user_id));
  }
  auto count = c.query_one("SELECT COUNT(*) FROM messages WHERE chat_id = $1", {chat.id});
  Value entity_link = Value::object({{"type", Value("LINES")}, {"url", Value("")}, {"id", Value(chat.entity_id)}});
  Value out = Value::object({{"id", Value(std::to_string(chat.id))},
                             {"parentChatId", Value(int64_t{0})},
                             {"parentMessageId", Value(int64_t{0})},
                             {"name", Value(chat.title)},
                             {"owner", Value(std::to_string(chat.owner_id))},
                             {"color", Value(chat_color_hex(chat.color))},
                             {"extranet", Value(false)},
                             {"avatar", Value(chat.avatar)},
                             {"entityType", Value(chat.entity_type)},
                             {"entityId", Value(chat.entity_id)},
                             {"entityData1", Value(chat.entity_data_1)},
                             {"entityData2", Value(chat.entity_data_2)},
                             {"entityData3", Value(chat.entity_data_3)},
                             {"messageCount", Value(count ? count->i64(0) : int64_t{0})},
                             {"public", Value("")},
                             {"muteList", mute},
                             {"managerList", Value::list()},
                             {"dateCreate", Value(atom_time(chat.created_at))},
                             {"type", Value(chat_type_name(chat))},
                             {"entityLink", entity_link},
                             {"messageType", Value(chat.type)},
                             {"isNew", Value(false)}});
  (void)blocked;
  return out;
}

MethodResult session_history_get(MethodCall& call) {
  const Value& sid = call.param("SESSION_ID");
  const auto chat_id = chat_id_param(call);
  if (sid.is_null() && !chat_id) throw ApiError(errors::kOlHistoryParams);
  const Config& config = call.services.config;
  return call.services.store.read_with([&](Conn& c) -> Value {
    std::optional<Session> s;
    if (!sid.is_null()) {
      auto id = sid.is_scalar() ? sid.to_int() : std::nullopt;
      s = id && *id > 0 ? find_session(c, *id) : std::nullopt;
    } else {
      s = last_session(c, *chat_id);
    }
    if (!s) throw ApiError(errors::kOlHistorySession);
    auto chat = find_chat(c, s->chat_id);
    if (!chat || !may_operate(c, *chat, call.caller.user_id, call.caller.is_admin))
      throw ApiError(errors::kOlAccessDenied);
    // The session's messages: from its opening notice up to the next session's.
    auto next = next_session(c, *s);
    const int64_t from = s->first_message_id;
    const int64_t to = next && next->first_message_id > 0 ? next->first_message_id : INT64_MAX;
    Value messages = Value::empty_object();
    Value ids = Value::list();
    std::vector<int64_t> authors;
    for (const Row& r : c.query("SELECT " + message_columns("") +
                                    " FROM messages WHERE chat_id = $1 AND id >= $2 AND id < $3 ORDER BY id DESC",
                                {chat->id, from, to})) {
      const Message m = read_message(r);
      messages[std::to_string(m.id)] = history_message(m, chat->id);
      ids.push_back(Value(std::to_string(m.id)));
      if (m.author_id > 0 && std::find(authors.begin(), authors.end(), m.author_id) == authors.end())
        authors.push_back(m.author_id);
    }
    Value users = Value::empty_object();
    for (int64_t id : member_ids(c, chat->id))
      if (std::find(authors.begin(), authors.end(), id) == authors.end()) authors.push_back(id);
    for (int64_t id : authors)
      if (auto u = find_user(c, id)) users[std::to_string(id)] = history_user(c, config, *u);
    const bool head = call.caller.is_admin;
    const std::string dialog = "chat" + std::to_string(chat->id);
    Value users_message = Value::empty_object();
    users_message[dialog] = ids;
    Value chats = Value::empty_object();
    chats[std::to_string(chat->id)] = history_chat(c, *chat);
    Value block = Value::empty_object();
    Value in_chat = Value::empty_object();
    Value blocked = Value::empty_object();
    Value members = Value::list();
    for (int64_t id : member_ids(c, chat->id)) {
      blocked[std::to_string(id)] = false;
      members.push_back(Value(id));
    }
    block[std::to_string(chat->id)] = blocked;
    in_chat[std::to_string(chat->id)] = members;
    Value vote_lines = Value::empty_object();
    vote_lines[std::to_string(s->line_id)] = head;
    return Value::object({{"chatId", Value(chat->id)},
                          {"canJoin", Value(s->closed ? "N" : "Y")},
                          {"canVoteHead", Value(head ? "Y" : "N")},
                          {"sessionId", Value(s->id)},
                          {"sessionVoteHead", Value(int64_t{s->vote_head})},
                          {"sessionCommentHead", s->comment_head ? Value(*s->comment_head) : Value()},
                          {"userId", Value(dialog)},
                          {"message", messages},
                          {"usersMessage", users_message},
                          {"users", users},
                          {"openlines", Value::object({{"canvoteashead", vote_lines}})},
                          {"userInGroup", Value::empty_object()},
                          {"woUserInGroup", Value::list()},
                          {"chat", chats},
                          {"userBlockChat", block},
                          {"userInChat", in_chat},
                          {"files", Value::empty_object()}});
  });
}

// --- session.head.vote: a supervisor's rating (1–5) and comment; imhub's supervisors are the
// administrators.
MethodResult session_head_vote(MethodCall& call) {
  const Value& sid = call.param("SESSION_ID");
  auto id = sid.is_scalar() ? sid.to_int() : std::nullopt;
  if (!id || *id <= 0) throw ApiError(errors::kOlEmptySessionId);
  const Value& rating = call.param("RATING");
  const Value& comment = call.param("COMMENT");
  if (rating.is_null() && comment.is_null()) throw ApiError(errors::kOlEmptyVoteParams);
  write_tx(call, [&](Tx& tx) {
    auto s = find_session(tx.conn, *id);
    if (!s || !call.caller.is_admin) throw ApiError(errors::kOlAccessDenied);
    if (!rating.is_null()) s->vote_head = static_cast<int>(std::clamp<int64_t>(rating.to_int_or(0), 0, 5));
    if (!comment.is_null()) s->comment_head = comment.to_string();
    save_session(tx.conn, *s);
  });
  return Value(true);
}

}  // namespace

void register_imopenlines_dialog_methods(Registry& r) {
  const MethodTable table{r, "imopenlines", kDoc};
  table.add("imopenlines.dialog.get", Effect::kRead, dialog_get, "imopenlines-dialog-get.md");
  table.add("imopenlines.session.history.get", Effect::kRead, session_history_get, "imopenlines-session-history-get.md",
            "no files, departments (userInGroup) or user avatars ids yet");
  table.add("imopenlines.session.head.vote", Effect::kWrite, session_head_vote, "imopenlines-session-head-vote.md",
            "administrators are the supervisors who may rate");
}

}  // namespace imhub
