// imbot.chat.*, imbot.dialog.get and imbot.sendTyping (scope `imbot`): the im.chat.* methods
// with the bot as the actor (protocol.md §9.7, im_rest.php: the same handlers, the user id
// swapped for getBotId()). BOT_ID names the bot; without it the calling application's first bot
// acts (api/bot_access.hpp). Contract: spec 002 "Working with Chats"; reference
// chat-bots/outdated/chats/.
#include "api/bot_access.hpp"
#include "api/chat_actions.hpp"
#include "api/common.hpp"
#include "api/im_common.hpp"
#include "core/error_catalog.hpp"
#include "users/user.hpp"
#include "users/user_cache.hpp"
#include "views/chat_view.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/chat-bots/outdated/chats/";

int64_t bot_id_of(const MethodCall& call) {
  return call.services.store.read_with([&](Conn& c) { return acting_bot(c, call).id; });
}

// The bot acts (BOT_ID, or the application's first bot).
Handler as_bot(Value (*action)(const MethodCall&, int64_t)) {
  return [action](MethodCall& call) -> MethodResult { return action(call, bot_id_of(call)); };
}

// imbot.dialog.get and imbot.chat.get name no BOT_ID on their pages and the platform serves them
// with the im.* handlers (the calling user). imhub lets the bot look when the call names one or
// the application has one, so a bot can read the chats it is in; otherwise the caller looks.
int64_t viewer_of(const MethodCall& call) {
  const bool oauth = call.caller.kind == AuthKind::kOAuth;
  if (!oauth && call.param("CLIENT_ID").to_string().empty()) return call.caller.user_id;
  if (call.param("BOT_ID").to_int_or(0) > 0) return bot_id_of(call);
  const std::string owner = caller_bot_owner(call);
  auto bots = call.services.store.read_with([&](Conn& c) { return bots_of_owner(c, owner); });
  return bots.empty() ? call.caller.user_id : bots.front().id;
}

MethodResult dialog_get(MethodCall& call) {
  if (call.caller.kind == AuthKind::kSession) throw ApiError(errors::kWrongAuthTypeImNotify);
  auto d = dialog_param(call);
  if (!d) throw ApiError(errors::kDialogIdEmpty);
  const int64_t viewer = viewer_of(call);
  return call.services.store.read_with([&](Conn& c) {
    std::optional<Chat> chat = readable_chat(c, *d, viewer);
    if (!chat) throw ApiError(d->is_chat ? errors::kNoAccess : errors::kNoChat);
    Value v = im_chat_object(c, *chat, ChatViewOptions{.string_ids = true, .viewer = viewer});
    v["dialog_id"] = dialog_id_of(c, *chat, viewer);
    return v;
  });
}

MethodResult chat_get(MethodCall& call) {
  if (call.caller.kind == AuthKind::kSession) throw ApiError(errors::kWrongAuthTypeImNotify);
  if (call.param("BOT_ID").to_int_or(0) > 0) bot_id_of(call);  // a named bot must be the caller's
  return chat_get_by_entity(call);
}

// "Chatbot is typing…": a live signal, nothing is stored; the bot must be able to write there.
MethodResult send_typing(MethodCall& call) {
  const int64_t bot = bot_id_of(call);
  auto d = dialog_param(call);
  if (!d) throw ApiError(errors::kDialogIdEmpty);
  announce_typing(call, bot, *d);
  return Value(true);
}

}  // namespace

void register_imbot_chat_methods(Registry& r) {
  const MethodTable table{r, "imbot", kDoc};
  table.add("imbot.chat.add", Effect::kWrite, as_bot(chat_add_by), "imbot-chat-add.md");
  table.add("imbot.chat.get", Effect::kRead, chat_get, "imbot-chat-get.md");
  table.add("imbot.chat.user.list", Effect::kRead, as_bot(chat_user_list_by), "imbot-chat-user-list.md");
  table.add("imbot.chat.user.add", Effect::kWrite, as_bot(chat_user_add_by), "imbot-chat-user-add.md");
  table.add("imbot.chat.user.delete", Effect::kWrite, as_bot(chat_user_delete_by), "imbot-chat-user-delete.md");
  table.add("imbot.chat.leave", Effect::kWrite, as_bot(chat_leave_by), "imbot-chat-leave.md");
  table.add("imbot.chat.updatetitle", Effect::kWrite, as_bot(chat_update_title_by), "imbot-chat-update-title.md");
  table.add("imbot.chat.updatecolor", Effect::kWrite, as_bot(chat_update_color_by), "imbot-chat-update-color.md");
  table.add("imbot.chat.updateavatar", Effect::kWrite, as_bot(chat_update_avatar_by), "imbot-chat-update-avatar.md");
  table.add("imbot.chat.setowner", Effect::kWrite, as_bot(chat_set_owner_by), "imbot-chat-set-owner.md");
  table.add("imbot.chat.setmanager", Effect::kWrite, as_bot(chat_set_manager_by), "imbot-chat-set-manager.md");
  // A live signal to the other side: nothing is stored (like im.dialog.writing).
  table.add("imbot.chat.sendtyping", Effect::kRead, send_typing, "imbot-chat-send-typing.md");
  // The platform's private alias of imbot.chat.sendTyping (im_rest.php).
  table.add("imbot.sendtyping", Effect::kRead, send_typing, "imbot-chat-send-typing.md",
            "alias of imbot.chat.sendTyping");
  table.add("imbot.dialog.get", Effect::kRead, dialog_get, "imbot-dialog-get.md");
}

}  // namespace imhub
