// A member's own view of a chat, told to their other tabs and devices only: chatUnread (marked
// unread in the recent list), chatPin, chatHide (protocol-push.md §9.3, §9.5) and chatMuteNotify.
#include "push/im_push_commands.hpp"

namespace imhub {

namespace {

Value chat_unread_params(const Chat& chat, const ChatMember& me, const std::string& dialog) {
  return Value::object({{"chatId", Value(chat.id)},
                        {"dialogId", Value(dialog)},
                        {"active", Value(me.marked_unread)},
                        {"muted", Value(me.muted)},
                        {"counter", Value(unread_count(chat, me))},
                        {"markedId", Value(me.marked_unread ? chat.last_message_id : 0)},
                        {"lines", Value(false)}});
}

}  // namespace

void publish_im(const ImOut& out, const RecentChanged& change) {
  const auto chat = find_chat(out.c, change.chat_id);
  if (!chat) return;
  const std::string dialog = dialog_id_of(out.c, *chat, change.user_id);
  switch (change.mark) {
    case RecentMark::kPinned:
    case RecentMark::kUnpinned:
      out.to_user(change.user_id,
                  im_body("chatPin", Value::object({{"dialogId", Value(dialog)},
                                                    {"active", Value(change.mark == RecentMark::kPinned)}})));
      return;
    case RecentMark::kHidden:
      out.to_user(
          change.user_id,
          im_body("chatHide",
                  Value::object({{"dialogId", Value(dialog)}, {"chatId", Value(chat->id)}, {"lines", Value(false)}})),
          kChatHideExpiry);
      return;
    case RecentMark::kMarkedUnread:
    case RecentMark::kUnmarkedUnread:
      if (const auto me = find_member(out.c, chat->id, change.user_id))
        out.to_user(change.user_id, im_body("chatUnread", chat_unread_params(*chat, *me, dialog)));
      return;
  }
}

void publish_im(const ImOut& out, const ChatMuted& muted) {
  const auto chat = find_chat(out.c, muted.chat_id);
  const auto me = chat ? find_member(out.c, muted.chat_id, muted.user_id) : std::nullopt;
  if (!me) return;
  const std::string dialog = dialog_id_of(out.c, *chat, muted.user_id);
  out.to_user(muted.user_id, im_body("chatMuteNotify", Value::object({{"chatId", Value(chat->id)},
                                                                      {"dialogId", Value(dialog)},
                                                                      {"muted", Value(muted.muted)},
                                                                      {"mute", Value(muted.muted)},
                                                                      {"counter", Value(unread_count(*chat, *me))},
                                                                      {"lines", Value(false)},
                                                                      {"unread", Value(me->marked_unread)}})));
}

}  // namespace imhub
