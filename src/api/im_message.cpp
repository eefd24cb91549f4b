// im.message.* (scope `im`): add, update, delete, like, command, share. Contract: spec 002 "Chat
// API" message methods; protocol.md §12 and §13.3; reference chats/messages/.
#include <algorithm>
#include <regex>
#include <utility>

#include "api/common.hpp"
#include "api/im_common.hpp"
#include "bots/bot_hooks.hpp"
#include "core/clock.hpp"
#include "core/json.hpp"
#include "im/attach.hpp"
#include "im/chat.hpp"
#include "im/dialog.hpp"
#include "im/keyboard.hpp"
#include "im/menu.hpp"
#include "im/message.hpp"
#include "im/message_edit.hpp"
#include "im/url_preview.hpp"
#include "users/user.hpp"
#include "users/user_cache.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/chats/messages/";

// Descriptions from the spec's tables and examples (spec wins, digest of spec 002).
constexpr ErrorSpec kUserIdEmpty{"USER_ID_EMPTY", "Recipient ID not specified for person-to-person chat message", 400};
constexpr ErrorSpec kChatIdEmpty{"CHAT_ID_EMPTY", "Message recipient chat not specified for a chat message", 400};
constexpr ErrorSpec kUserNotFound{"USER_NOT_FOUND", "User not found", 400};
constexpr ErrorSpec kNotMember{"ACCESS_ERROR", "You don't have access or user isn't member in chat", 400};
constexpr ErrorSpec kMessageEmpty{"MESSAGE_EMPTY", "Message text not passed", 400};
constexpr ErrorSpec kParamsError{"PARAMS_ERROR", "Incorrect params", 400};
constexpr ErrorSpec kReplyAccess{"REPLY_ACCESS_ERROR", "Action unavailable", 400};
constexpr ErrorSpec kReplyOtherChat{"REPLY_FROM_OTHER_CHAT_ERROR",
                                    "You can only reply to a message within the same chat", 400};
constexpr ErrorSpec kMessageIdError{"MESSAGE_ID_ERROR", "Message ID not passed", 400};
constexpr ErrorSpec kCantEdit{"CANT_EDIT_MESSAGE",
                              "You don't have access to this message or time for its edit has expired (more than 3 "
                              "days has passed since publication)",
                              403};
constexpr ErrorSpec kCantDelete{"CANT_EDIT_MESSAGE", "You don't have access to this message", 403};
constexpr ErrorSpec kWithoutChanges{"WITHOUT_CHANGES", "\"Like\" status didn't change after the call", 400};
constexpr ErrorSpec kNoAccess{"ACCESS_ERROR", "You do not have access to the specified dialog", 403};
constexpr ErrorSpec kCommandMessageId{"MESSAGE_ID_ERROR", "Parameter MESSAGE_ID not specified or isn't an integer",
                                      400};
constexpr ErrorSpec kBotIdError{"BOT_ID_ERROR", "Parameter BOT_ID not specified or isn't an integer", 400};
constexpr ErrorSpec kCommandError{"COMMAND_ERROR", "Parameter COMMAND not specified", 400};
constexpr ErrorSpec kCommandParams{
    "PARAMS_ERROR", "Parameter COMMAND_PARAMS not specified or doesn't match the bot parameter command", 400};
constexpr ErrorSpec kShareDialog{"DIALOG_ID_EMPTY", "Parameter DIALOG_ID not specified or doesn't match the format",
                                 400};
constexpr ErrorSpec kShareAccess{"ACCESS_ERROR", "Current user doesn't have access permission to chat or conversation",
                                 403};
constexpr ErrorSpec kShareType{"PARAMS_ERROR",
                               "Parameter TYPE not specified or doesn't match to the available parameters", 400};

bool is_uuid(const std::string& s) {
  static const std::regex kUuid("^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$");
  return std::regex_match(s, kUuid);
}

// MESSAGE must be text; arrays are refused like an empty message.
std::string message_param(const MethodCall& call) {
  const Value& v = call.param("MESSAGE");
  if (v.is_array()) throw ApiError(kMessageEmpty);
  return normalize_message_text(v.to_string());
}

// Where a message goes: DIALOG_ID, else the legacy USER_ID, else CHAT_ID (im_rest.php messageAdd).
DialogRef recipient(const MethodCall& call) {
  if (const Value& d = call.param("DIALOG_ID"); !d.is_null()) {
    const std::string text = d.is_scalar() ? d.to_string() : "";
    if (auto ref = parse_dialog_id(text)) return *ref;
    if (text.size() > 4 && iequals(std::string_view(text).substr(0, 4), "chat")) throw ApiError(kChatIdEmpty);
    throw ApiError(kUserIdEmpty);
  }
  if (const Value& u = call.param("USER_ID"); !u.is_null()) {
    auto id = u.to_int();
    if (!id || *id <= 0) throw ApiError(kUserIdEmpty);
    return DialogRef{false, *id};
  }
  if (const Value& ch = call.param("CHAT_ID"); !ch.is_null()) {
    auto id = ch.to_int();
    if (!id || *id <= 0) throw ApiError(kChatIdEmpty);
    return DialogRef{true, *id};
  }
  throw ApiError(kParamsError);
}

void require_active_user(const MethodCall& call, int64_t id) {
  auto u = call.services.users->find(id);
  if (!u || !u->active) throw ApiError(kUserNotFound);
}

// The chat a message to `to` goes into; a private dialog is created by its first message.
Chat target_chat(Conn& c, const MethodCall& call, const DialogRef& to) {
  const int64_t me = call.caller.user_id;
  if (!to.is_chat) return ensure_private_chat(c, me, to.id);
  auto chat = find_chat(c, to.id);
  if (!chat || !find_member(c, chat->id, me)) throw ApiError(kNotMember);
  return *chat;
}

void check_reply(Conn& c, int64_t reply_id, int64_t chat_id) {
  auto reply = find_message(c, reply_id);
  if (!reply) throw ApiError(kReplyAccess);
  if (reply->chat_id != chat_id) throw ApiError(kReplyOtherChat);
}

// The call's parameters as the shared message code reads them.
ParamOf params_of(const MethodCall& call) {
  return [&call](std::string_view name) -> const Value& { return call.param(name); };
}

MethodResult message_add(MethodCall& call) {
  const std::string text = message_param(call);
  const Value& attach = call.param("ATTACH");
  if (text.empty() && (attach.is_null() || is_rich_removal(attach))) throw ApiError(kMessageEmpty);
  const DialogRef to = recipient(call);
  if (!to.is_chat) require_active_user(call, to.id);
  std::string template_id = call.param("TEMPLATE_ID").to_string().substr(0, 255);
  // Only a UUID makes a send idempotent (CIMMessenger::Add).
  if (!is_uuid(template_id)) template_id.clear();
  const int64_t reply_id = call.param("REPLY_ID").to_int_or(0);
  Value params = Value::map();
  if (reply_id > 0) params["REPLY_ID"] = reply_id;
  apply_rich_params(params_of(call), params, false, 0);
  const int64_t me = call.caller.user_id;
  const bool system = call.param("SYSTEM").is_yes();
  const BotEventCause cause = bot_event_cause(call.caller);
  int64_t id = call.services.store.write_with([&](Conn& c) {
    if (!template_id.empty())
      if (auto existing = find_message_by_template(c, me, template_id)) return *existing;
    Chat chat = target_chat(c, call, to);
    if (reply_id > 0) check_reply(c, reply_id, chat.id);
    const NewMessage added{chat.id, me, text, params_to_json(params), system, template_id};
    const int64_t message_id = append_message(c, added);
    bots_on_message_added(c, cause, chat, message_id, added);
    return message_id;
  });
  enqueue_preview(call, id, text, false);
  return Value(id);
}

// The message as its author may change it: within the edit window, not deleted.
Message editable_message(Conn& c, int64_t id, int64_t user_id, const ErrorSpec& refusal, bool window) {
  auto m = find_message(c, id);
  if (!m || m->deleted || m->author_id != user_id) throw ApiError(refusal);
  if (window && now_unix_seconds() - m->created_at > kEditWindowSeconds) throw ApiError(refusal);
  return *m;
}

MethodResult message_update(MethodCall& call) {
  auto id = positive_id_param(call, {"MESSAGE_ID", "ID"});
  if (!id) throw ApiError(kMessageIdError);
  const Value& text_param = call.param("MESSAGE");
  const bool has_text = !text_param.is_null();
  const std::string text = has_text ? message_param(call) : "";
  const int64_t me = call.caller.user_id;
  Value rich;  // validated before the transaction; applied inside it
  apply_rich_params(params_of(call), rich, false, 0);
  const BotEventCause cause = bot_event_cause(call.caller);
  bool text_changed = false;
  call.services.store.write([&](Conn& c) {
    Message m = editable_message(c, *id, me, kCantEdit, true);
    const Message before = m;
    if (!m.params.is_map()) m.params = Value::map();
    const Value params_before = m.params;
    for (const char* key : {"ATTACH", "KEYBOARD", "MENU"}) {
      const Value& v = call.param(key);
      if (v.is_null()) continue;
      if (is_rich_removal(v))
        m.params.get_map().erase(key);
      else
        m.params[key] = rich[key];
    }
    const bool rich_changed = m.params != params_before;
    if (!has_text) {
      if (!rich_changed) return;
      mark_edited(m, call.param("IS_EDITED"));
      save_message(c, m);
      bots_on_message_updated(c, cause, before, m);
      return;
    }
    text_changed = true;
    // "Passing empty value deletes the message" (spec im.message.update), unless an attach stays.
    if (text.empty() && std::as_const(m.params)["ATTACH"].size() == 0) {
      soft_delete(m);
      save_message(c, m);
      bots_on_message_deleted(c, cause, before, m);
      return;
    }
    m.text = text;
    mark_edited(m, call.param("IS_EDITED"));
    save_message(c, m);
    bots_on_message_updated(c, cause, before, m);
  });
  if (text_changed && !text.empty()) enqueue_preview(call, *id, text, true);
  return Value(true);
}

// The author, or the owner of a group chat, may delete (reference im-message-delete.md).
MethodResult message_delete(MethodCall& call) {
  auto id = positive_id_param(call, {"MESSAGE_ID", "ID"});
  if (!id) throw ApiError(kMessageIdError);
  const int64_t me = call.caller.user_id;
  const bool complete = call.param("COMPLETE").is_yes();
  const BotEventCause cause = bot_event_cause(call.caller);
  call.services.store.write([&](Conn& c) {
    auto m = find_message(c, *id);
    if (!m || m->deleted) throw ApiError(kCantDelete);
    if (m->author_id != me) {
      auto chat = find_chat(c, m->chat_id);
      if (!chat || chat->type == "P" || chat->owner_id != me) throw ApiError(kCantDelete);
    }
    const Message before = *m;
    soft_delete(*m);
    if (complete)
      erase_message(c, before);
    else
      save_message(c, *m);
    bots_on_message_deleted(c, cause, before, *m);
  });
  return Value(true);
}

MethodResult message_like(MethodCall& call) {
  auto id = positive_id_param(call, {"MESSAGE_ID", "ID"});
  if (!id) throw ApiError(kMessageIdError);
  const std::string action = to_lower(call.param("ACTION").to_string());
  const int64_t me = call.caller.user_id;
  call.services.store.write([&](Conn& c) {
    auto m = find_message(c, *id);
    if (!m) throw ApiError(kMessageIdError);
    auto chat = find_chat(c, m->chat_id);
    if (!chat || !find_member(c, chat->id, me)) throw ApiError(kNoAccess);
    if (!toggle_like(*m, me, action)) throw ApiError(kWithoutChanges);
    save_message(c, *m);
  });
  return Value(true);
}

// Whether the message offers COMMAND of BOT_ID on a keyboard button or menu item; returns the
// context the bot will see ("KEYBOARD" or "MENU"), or "" when it does not.
std::string command_context(const Message& m, int64_t bot_id, const std::string& command) {
  if (!m.params.is_map()) return "";
  auto offers = [&](const Value& items) {
    for (const Value* b : items.elements()) {
      if (!b->is_map()) continue;
      std::string cmd = (*b)["COMMAND"].to_string();
      if (!cmd.empty() && cmd[0] == '/') cmd.erase(0, 1);
      if (iequals(cmd, command) && (*b)["BOT_ID"].to_int_or(0) == bot_id) return true;
    }
    return false;
  };
  const Value& keyboard = m.params["KEYBOARD"];
  if (offers(keyboard.is_map() ? keyboard["BUTTONS"] : keyboard)) return "KEYBOARD";
  const Value& menu = m.params["MENU"];
  if (offers(menu.is_map() ? menu["ITEMS"] : menu)) return "MENU";
  return "";
}

// A click on a bot's keyboard button or menu item. Stored here; the bot platform delivers it
// as ONIMCOMMANDADD.
MethodResult message_command(MethodCall& call) {
  auto id = positive_id_param(call, {"MESSAGE_ID", "ID"});
  if (!id) throw ApiError(kCommandMessageId);
  auto bot_id = positive_id_param(call, {"BOT_ID"});
  if (!bot_id) throw ApiError(kBotIdError);
  std::string command = std::string(trim(call.param("COMMAND").to_string()));
  if (!command.empty() && command[0] == '/') command.erase(0, 1);
  if (command.empty()) throw ApiError(kCommandError);
  const Value& command_params = call.param("COMMAND_PARAMS");
  if (command_params.is_array()) throw ApiError(kCommandParams);
  auto bot = call.services.users->find(*bot_id);
  if (!bot || !bot->active || bot->external_auth_id != "bot") throw ApiError(kBotIdError);
  const int64_t me = call.caller.user_id;
  const BotEventCause cause = bot_event_cause(call.caller);
  call.services.store.write([&](Conn& c) {
    auto m = find_message(c, *id);
    if (!m) throw ApiError(kCommandMessageId);
    auto chat = find_chat(c, m->chat_id);
    if (!chat || !find_member(c, chat->id, me)) throw ApiError(kNoAccess);
    const std::string context = command_context(*m, *bot_id, command);
    if (context.empty()) throw ApiError(kCommandParams);
    c.exec(
        "INSERT INTO message_commands (message_id, chat_id, bot_id, user_id, command, command_params, context, "
        "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        {m->id, m->chat_id, *bot_id, me, command, command_params.to_string(), context, now_unix_seconds()});
    bots_on_command_pressed(c, cause, *m, *bot_id, command, command_params.to_string(), context);
  });
  return Value(true);
}

// TYPE=CHAT: a new group chat seeded with the message, its members those of the dialog.
MethodResult message_share(MethodCall& call) {
  auto id = positive_id_param(call, {"MESSAGE_ID", "ID"});
  if (!id) throw ApiError(kCommandMessageId);
  auto dialog = parse_dialog_id(call.param("DIALOG_ID").to_string());
  if (!dialog) throw ApiError(kShareDialog);
  const std::string type = to_upper(call.param("TYPE").to_string());
  // TASK, POST and CALEND need modules imhub does not have (docs/api-coverage.md).
  if (type != "CHAT") throw ApiError(kShareType);
  const int64_t me = call.caller.user_id;
  call.services.store.write([&](Conn& c) {
    auto chat = readable_chat(c, *dialog, me);
    auto m = find_message(c, *id);
    if (!chat || !m || m->chat_id != chat->id || m->deleted) throw ApiError(kShareAccess);
    Chat shared;
    shared.type = "C";
    shared.author_id = me;
    shared.owner_id = me;
    const std::string& source = m->text;
    shared.title = source.size() > 60 ? source.substr(0, 60) + "..." : source;
    if (shared.title.empty()) shared.title = "Chat";
    shared.color = chat_colors()[static_cast<size_t>(now_unix_seconds()) % chat_colors().size()];
    std::vector<int64_t> members{me};
    for (int64_t u : member_ids(c, chat->id))
      if (u != me) members.push_back(u);
    const int64_t shared_id = insert_chat(c, shared, members);
    append_message(c, NewMessage{shared_id, m->author_id, m->text, params_to_json(m->params), false, ""});
  });
  return Value(true);
}

}  // namespace

void register_im_message_methods(Registry& r) {
  const MethodTable table{r, "im", kDoc};
  auto add = [&](std::string name, Handler h, std::string page, std::string note = "") {
    table.add(std::move(name), Effect::kWrite, std::move(h), page, std::move(note));
  };
  add("im.message.add", message_add, "im-message-add.md");
  add("im.message.update", message_update, "im-message-update.md");
  add("im.message.delete", message_delete, "im-message-delete.md");
  add("im.message.like", message_like, "im-message-like.md");
  add("im.message.command", message_command, "im-message-command.md");
  add("im.message.share", message_share, "im-message-share.md", "TYPE=CHAT only; TASK, POST, CALEND not yet");
}

}  // namespace imhub
