// im.message.* (scope `im`): add, update, delete, like, command, share. Contract: spec 002 "Chat
// API" message methods; protocol.md §12 and §13.3; reference chats/messages/.
#include <algorithm>
#include <cctype>
#include <string_view>
#include <utility>

#include "api/common.hpp"
#include "api/im_common.hpp"
#include "core/clock.hpp"
#include "core/error_catalog.hpp"
#include "core/json.hpp"
#include "im/chat.hpp"
#include "im/dialog.hpp"
#include "im/message.hpp"
#include "im/message_actions.hpp"
#include "previews/url_preview.hpp"
#include "text/keyboard.hpp"
#include "text/menu.hpp"
#include "text/message_parts.hpp"
#include "users/user.hpp"
#include "users/user_cache.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/chats/messages/";

// Descriptions from the spec's tables and examples (spec wins, digest of spec 002).

// 8-4-4-4-12 hex digits. Checked by hand: every im.message.add asks, and std::regex's matcher
// showed in the io threads' profile for a question this simple.
bool is_uuid(std::string_view s) {
  if (s.size() != 36) return false;
  for (size_t i = 0; i < s.size(); ++i) {
    const bool dash = i == 8 || i == 13 || i == 18 || i == 23;
    if (dash ? s[i] != '-' : !std::isxdigit(static_cast<unsigned char>(s[i]))) return false;
  }
  return true;
}

// MESSAGE must be text; arrays are refused like an empty message.
std::string message_param(const MethodCall& call) {
  const Value& v = call.param("MESSAGE");
  if (v.is_array()) throw ApiError(errors::kMessageEmptyImMessage);
  return normalize_message_text(v.to_string());
}

// Where a message goes: DIALOG_ID, else the legacy USER_ID, else CHAT_ID (im_rest.php messageAdd).
DialogRef recipient(const MethodCall& call) {
  if (const Value& d = call.param("DIALOG_ID"); !d.is_null()) {
    const std::string text = d.is_scalar() ? d.to_string() : "";
    if (auto ref = parse_dialog_id(text)) return *ref;
    if (text.size() > 4 && iequals(std::string_view(text).substr(0, 4), "chat"))
      throw ApiError(errors::kChatIdEmptyImMessage);
    throw ApiError(errors::kUserIdEmpty);
  }
  if (const Value& u = call.param("USER_ID"); !u.is_null()) {
    auto id = u.to_int();
    if (!id || *id <= 0) throw ApiError(errors::kUserIdEmpty);
    return DialogRef{false, *id};
  }
  if (const Value& ch = call.param("CHAT_ID"); !ch.is_null()) {
    auto id = ch.to_int();
    if (!id || *id <= 0) throw ApiError(errors::kChatIdEmptyImMessage);
    return DialogRef{true, *id};
  }
  throw ApiError(errors::kParamsError);
}

void require_active_user(const MethodCall& call, int64_t id) {
  auto u = call.services.users->find(id);
  if (!u || !u->active) throw ApiError(errors::kUserNotFound);
}

// The call's parameters as the shared message code reads them.
ParamOf params_of(const MethodCall& call) {
  return [&call](std::string_view name) -> const Value& { return call.param(name); };
}

MethodResult message_add(MethodCall& call) {
  const std::string text = message_param(call);
  const Value& attach = call.param("ATTACH");
  if (text.empty() && (attach.is_null() || is_rich_removal(attach))) throw ApiError(errors::kMessageEmptyImMessage);
  Send send;
  send.to = recipient(call);
  if (!send.to.is_chat) require_active_user(call, send.to.id);
  send.template_id = call.param("TEMPLATE_ID").to_string().substr(0, 255);
  // Only a UUID makes a send idempotent (CIMMessenger::Add).
  if (!is_uuid(send.template_id)) send.template_id.clear();
  send.reply_id = call.param("REPLY_ID").to_int_or(0);
  Value params = Value::map();
  if (send.reply_id > 0) params["REPLY_ID"] = send.reply_id;
  apply_rich_params(params_of(call), params, false, 0);
  send.author = call.caller.user_id;
  send.text = text;
  send.params_json = params_to_json(params);
  send.system = call.param("SYSTEM").is_yes();
  // Repeatable: send_message writes only through the Tx, and `send` is read, not changed.
  const Sent sent = write_tx_repeatable(call, [&](Tx& tx) { return send_message(tx, send); });
  switch (sent.status) {
    case MessageStatus::kOk:
      break;
    case MessageStatus::kReplyNotFound:
      throw ApiError(errors::kReplyAccess);
    case MessageStatus::kReplyOtherChat:
      throw ApiError(errors::kReplyOtherChat);
    default:
      throw ApiError(errors::kNotMember);
  }
  enqueue_preview(call, sent.id, text, false);
  return Value(sent.id);
}

MethodResult message_update(MethodCall& call) {
  auto id = positive_id_param(call, {"MESSAGE_ID", "ID"});
  if (!id) throw ApiError(errors::kMessageIdError);
  Edit edit;
  if (!call.param("MESSAGE").is_null()) edit.text = message_param(call);
  read_edited_parts(call, 0, edit);
  const Value& is_edited = call.param("IS_EDITED");
  edit.edited_mark = is_edited.is_null() || is_edited.is_yes();
  const MessageStatus status = write_tx(call, [&](Tx& tx) { return edit_message(tx, *id, call.caller.user_id, edit); });
  if (status == MessageStatus::kForbidden) throw ApiError(errors::kCantEdit);
  if (status == MessageStatus::kOk && edit.text && !edit.text->empty()) enqueue_preview(call, *id, *edit.text, true);
  return Value(true);
}

MethodResult message_delete(MethodCall& call) {
  auto id = positive_id_param(call, {"MESSAGE_ID", "ID"});
  if (!id) throw ApiError(errors::kMessageIdError);
  const bool complete = call.param("COMPLETE").is_yes();
  const MessageStatus status =
      write_tx(call, [&](Tx& tx) { return delete_message(tx, *id, call.caller.user_id, complete); });
  if (status != MessageStatus::kOk) throw ApiError(errors::kCantDelete);
  return Value(true);
}

MethodResult message_like(MethodCall& call) {
  auto id = positive_id_param(call, {"MESSAGE_ID", "ID"});
  if (!id) throw ApiError(errors::kMessageIdError);
  const std::string action = call.param("ACTION").to_string();
  const MessageStatus status =
      write_tx(call, [&](Tx& tx) { return like_message(tx, *id, call.caller.user_id, action); });
  switch (status) {
    case MessageStatus::kOk:
      return Value(true);
    case MessageStatus::kNotFound:
      throw ApiError(errors::kMessageIdError);
    case MessageStatus::kUnchanged:
      throw ApiError(errors::kWithoutChanges);
    default:
      throw ApiError(errors::kNoAccess);
  }
}

// A click on a bot's keyboard button or menu item. Stored here; the bot platform delivers it
// as ONIMCOMMANDADD.
MethodResult message_command(MethodCall& call) {
  auto id = positive_id_param(call, {"MESSAGE_ID", "ID"});
  if (!id) throw ApiError(errors::kCommandMessageId);
  auto bot_id = positive_id_param(call, {"BOT_ID"});
  if (!bot_id) throw ApiError(errors::kBotIdError);
  std::string command = std::string(trim(call.param("COMMAND").to_string()));
  if (!command.empty() && command[0] == '/') command.erase(0, 1);
  if (command.empty()) throw ApiError(errors::kCommandError);
  const Value& command_params = call.param("COMMAND_PARAMS");
  if (command_params.is_array()) throw ApiError(errors::kCommandParams);
  auto bot = call.services.users->find(*bot_id);
  if (!bot || !bot->active || bot->external_auth_id != "bot") throw ApiError(errors::kBotIdError);
  const MessageStatus status = write_tx(call, [&](Tx& tx) {
    return press_command(tx, *id, call.caller.user_id, *bot_id, command, command_params.to_string());
  });
  switch (status) {
    case MessageStatus::kOk:
      return Value(true);
    case MessageStatus::kNotFound:
      throw ApiError(errors::kCommandMessageId);
    case MessageStatus::kNotOffered:
      throw ApiError(errors::kCommandParams);
    default:
      throw ApiError(errors::kNoAccess);
  }
}

// TYPE=CHAT: a new group chat seeded with the message, its members those of the dialog.
MethodResult message_share(MethodCall& call) {
  auto id = positive_id_param(call, {"MESSAGE_ID", "ID"});
  if (!id) throw ApiError(errors::kCommandMessageId);
  auto dialog = parse_dialog_id(call.param("DIALOG_ID").to_string());
  if (!dialog) throw ApiError(errors::kShareDialog);
  const std::string type = to_upper(call.param("TYPE").to_string());
  // TASK, POST and CALEND need modules imhub does not have (docs/api-coverage.md).
  if (type != "CHAT") throw ApiError(errors::kShareType);
  const MessageStatus status =
      write_tx(call, [&](Tx& tx) { return share_message_as_chat(tx, *id, *dialog, call.caller.user_id); });
  if (status != MessageStatus::kOk) throw ApiError(errors::kShareAccess);
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
