// im.chat.* methods (scope `im`). Contract: spec "Chat API" (002) and spec 003; details from
// reference/api-reference/chats/. The rules and SQL live in im/.
#include "api/chat_actions.hpp"
#include "api/common.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/chats/";

// The caller acts; the rules live in api/chat_actions.cpp, shared with imbot.chat.*.
Handler as_caller(Value (*action)(const MethodCall&, int64_t)) {
  return [action](MethodCall& call) -> MethodResult { return action(call, call.caller.user_id); };
}

}  // namespace

void register_im_chat_methods(Registry& r) {
  const MethodTable table{r, "im", kDoc};
  table.add("im.chat.add", Effect::kWrite, as_caller(chat_add_by), "im-chat-add.md", "");
  table.add(
      "im.chat.get", Effect::kRead, [](MethodCall& call) -> MethodResult { return chat_get_by_entity(call); },
      "im-chat-get.md", "");
  table.add("im.chat.user.list", Effect::kRead, as_caller(chat_user_list_by), "chat-users/im-chat-user-list.md", "");
  table.add("im.chat.user.add", Effect::kWrite, as_caller(chat_user_add_by), "chat-users/im-chat-user-add.md", "");
  table.add("im.chat.user.delete", Effect::kWrite, as_caller(chat_user_delete_by), "chat-users/im-chat-user-delete.md",
            "");
  table.add("im.chat.leave", Effect::kWrite, as_caller(chat_leave_by), "chat-users/im-chat-leave.md", "");
  table.add("im.chat.updatetitle", Effect::kWrite, as_caller(chat_update_title_by),
            "chat-update/im-chat-update-title.md", "");
  table.add("im.chat.updatecolor", Effect::kWrite, as_caller(chat_update_color_by),
            "chat-update/im-chat-update-color.md", "");
  table.add("im.chat.updateavatar", Effect::kWrite, as_caller(chat_update_avatar_by),
            "chat-update/im-chat-update-avatar.md", "");
  table.add("im.chat.setowner", Effect::kWrite, as_caller(chat_set_owner_by), "chat-update/im-chat-set-owner.md", "");
  table.add("im.chat.mute", Effect::kWrite, as_caller(chat_mute_by), "special-operations/im-chat-mute.md", "");
  register_im_revision_method(r);
}

}  // namespace imhub
