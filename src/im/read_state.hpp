// Read marks: what a member has read of a chat. Unread counts are `chats.last_seq -
// chat_members.last_read_seq`, so reading and unreading touch one member row.
#pragma once

#include <cstdint>

#include "im/change_feed.hpp"
#include "im/chat.hpp"
#include "store/store.hpp"

namespace imhub {

// Each raises ChatRead / ChatUnread / AllRead when it changes something.
// Marks everything up to and including `message_id` (0: the whole chat) as read. False when
// the mark would not move (already read that far) or the message is not in the chat.
bool read_up_to(Tx& tx, const Chat& chat, const ChatMember& m, int64_t message_id);
// Marks `message_id` and everything after it as unread. False when it is not in the chat.
bool unread_from(Tx& tx, const Chat& chat, int64_t user_id, int64_t message_id);
// Every chat of the user read to its end, manual unread marks cleared.
void read_everything(Tx& tx, int64_t user_id);

}  // namespace imhub
