// imbot.message.add / update / delete / like (scope `imbot`): the bot writes as itself. Contract:
// protocol.md §9.7; reference chat-bots/outdated/messages/; Bot::addMessage/updateMessage in the
// platform's im module. Messages written by bots never cause bot events and are never read as
// commands, so none of these calls the bot hooks.
#include "api/bot_access.hpp"
#include "api/common.hpp"
#include "api/im_common.hpp"
#include "core/clock.hpp"
#include "core/error_catalog.hpp"
#include "im/chat.hpp"
#include "im/dialog.hpp"
#include "im/message.hpp"
#include "im/message_actions.hpp"
#include "im/message_post.hpp"
#include "previews/url_preview.hpp"
#include "text/message_parts.hpp"
#include "users/user.hpp"
#include "users/user_cache.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/chat-bots/outdated/";

ParamOf params_of(const MethodCall& call) {
  return [&call](std::string_view name) -> const Value& { return call.param(name); };
}

Bot calling_bot(const MethodCall& call) {
  return call.services.store.read_with([&](Conn& c) { return acting_bot(c, call); });
}

int64_t message_id_param(const MethodCall& call) {
  const Value& v = call.param("MESSAGE_ID");
  const int64_t id = v.is_scalar() ? v.to_int_or(0) : 0;
  if (id <= 0) throw ApiError(errors::kMessageIdEmpty);
  return id;
}

bool active_user(const MethodCall& call, int64_t id) {
  auto u = call.services.users->find(id);
  return u && u->active;
}

// Where the message goes and who writes it. FROM_USER_ID + TO_USER_ID: a system message in
// the private dialog of those two people, introduced as coming from the bot.
struct Route {
  DialogRef to;
  int64_t author = 0;
  bool system = false;
  std::string prefix;
};

Route route_of(const MethodCall& call, const Bot& bot, const User& bot_user) {
  Route r;
  r.author = bot.id;
  r.system = call.param("SYSTEM").to_string() == "Y";
  const int64_t from = call.param("FROM_USER_ID").to_int_or(0);
  const int64_t to = call.param("TO_USER_ID").to_int_or(0);
  if (from > 0 && to > 0) {
    r.to = DialogRef{false, to};
    r.author = from;
    r.system = true;
    r.prefix = "Message from [USER=" + std::to_string(bot.id) + "][/USER]\n";
    return r;
  }
  const Value& dialog = call.param("DIALOG_ID");
  auto ref = dialog.is_scalar() ? parse_dialog_id(dialog.to_string()) : std::nullopt;
  if (!ref) throw ApiError(errors::kDialogIdEmpty);
  r.to = *ref;
  // A system message in a chat says which bot it is from (Bot::addMessage).
  if (r.system && r.to.is_chat) r.prefix = bot_user.full_name() + ":\n";
  return r;
}

MethodResult message_add(MethodCall& call) {
  const Bot bot = calling_bot(call);
  auto bot_user = call.services.users->find(bot.id);
  if (!bot_user) throw ApiError(errors::kBotNotFound);
  const Route route = route_of(call, bot, *bot_user);
  const Value& message = call.param("MESSAGE");
  std::string text = message.is_scalar() ? normalize_message_text(message.to_string()) : "";
  if (text.empty()) throw ApiError(errors::kMessageEmpty);
  text = normalize_message_text(route.prefix + text);
  Value params = Value::map();
  apply_rich_params(params_of(call), params, false, bot.id);
  if (!route.to.is_chat && !active_user(call, route.to.id)) throw ApiError(errors::kNotAdded);
  if (route.author != bot.id && !active_user(call, route.author)) throw ApiError(errors::kNotAdded);
  // Repeatable: the closure writes only through the Tx and only reads what it captures.
  const int64_t id = write_tx_repeatable(call, [&](Tx& tx) {
    std::optional<Chat> chat;
    if (route.to.is_chat) {
      chat = find_chat(tx.conn, route.to.id);
      if (!chat || !find_member(tx.conn, chat->id, bot.id)) throw ApiError(errors::kNotAdded);
    } else {
      chat = ensure_private_chat(tx, route.author, route.to.id);
    }
    return post_message(tx, *chat, NewMessage{chat->id, route.author, text, params_to_json(params), route.system, ""},
                        true);
  });
  enqueue_preview(call, id, text, false);
  return Value(id);
}

MethodResult message_update(MethodCall& call) {
  const Bot bot = calling_bot(call);
  const int64_t id = message_id_param(call);
  Edit edit;
  edit.by_bot = true;
  read_edited_parts(call, bot.id, edit);
  const Value& message = call.param("MESSAGE");
  if (!message.is_null()) edit.text = message.is_scalar() ? normalize_message_text(message.to_string()) : "";
  const MessageStatus status = write_tx(call, [&](Tx& tx) { return edit_message(tx, id, bot.id, edit); });
  if (status == MessageStatus::kForbidden) throw ApiError(errors::kCantEditImbotMessage);
  if (edit.text && !edit.text->empty()) enqueue_preview(call, id, *edit.text, true);
  return Value(true);
}

// Its own messages, or any message of a group chat the bot owns.
MethodResult message_delete(MethodCall& call) {
  const Bot bot = calling_bot(call);
  const int64_t id = message_id_param(call);
  const bool complete = call.param("COMPLETE").to_string() == "Y";
  const MessageStatus status = write_tx(call, [&](Tx& tx) { return delete_message(tx, id, bot.id, complete, true); });
  if (status != MessageStatus::kOk) throw ApiError(errors::kCantEditImbotMessage);
  return Value(true);
}

MethodResult message_like(MethodCall& call) {
  const Bot bot = calling_bot(call);
  const int64_t id = message_id_param(call);
  std::string action = to_lower(call.param("ACTION").to_string());
  if (action != "plus" && action != "minus") action = "auto";
  const MessageStatus status = write_tx(call, [&](Tx& tx) { return like_message(tx, id, bot.id, action); });
  // The platform answers every refusal of CIMMessenger::Like the same way.
  if (status != MessageStatus::kOk) throw ApiError(errors::kWithoutChangesImbotMessage);
  return Value(true);
}

}  // namespace

void register_imbot_message_methods(Registry& r) {
  const MethodTable table{r, "imbot", kDoc};
  table.add("imbot.message.add", Effect::kWrite, message_add, "messages/imbot-message-add.md");
  table.add("imbot.message.update", Effect::kWrite, message_update, "messages/imbot-message-update.md");
  table.add("imbot.message.delete", Effect::kWrite, message_delete, "messages/imbot-message-delete.md");
  table.add("imbot.message.like", Effect::kWrite, message_like, "messages/imbot-message-like.md");
}

}  // namespace imhub
