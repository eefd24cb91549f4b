// Dialog ids (protocol.md §11.2): "N" is the private dialog with user N, "chatN" chat N. A
// private dialog is a P chat of two users, keyed "min:max"; it comes into being with its first
// message.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "im/chat.hpp"
#include "im/message.hpp"
#include "store/store.hpp"

namespace imhub {

struct DialogRef {
  bool is_chat = false;
  int64_t id = 0;  // chat id, or the other user's id
};

// Parses `^(\d+|chat\d+)$` (case-insensitive); nullopt otherwise.
std::optional<DialogRef> parse_dialog_id(std::string_view text);

std::string private_key(int64_t a, int64_t b);
// The chat id of the dialog between users `a` and `b` as stored, or 0 when there is none.
int64_t stored_private_chat_id(Conn& c, int64_t a, int64_t b);
std::optional<Chat> find_private_chat(Conn& c, int64_t a, int64_t b);
// The private chat of two users, created (with both as members) when missing. Write connection.
Chat ensure_private_chat(Tx& tx, int64_t a, int64_t b);

// The dialog id of `chat` as `viewer` sees it: "chatN", or the other user's id for P chats.
std::string dialog_id_of(Conn& c, const Chat& chat, int64_t viewer);

// The chat behind a dialog as `user_id` may read it: members, and anyone for open chats. A
// private dialog that has no message yet has no chat: nullopt, like a chat the user may not see.
std::optional<Chat> readable_chat(Conn& c, const DialogRef& d, int64_t user_id);

// Only members: the chat and the caller's membership.
struct Membership {
  Chat chat;
  ChatMember member;
};
std::optional<Membership> membership(Conn& c, const DialogRef& d, int64_t user_id);

// A message as a member sees it: the one check every action on an existing message goes through
// (like, command, reply, share). nullopt when the message does not exist, the user is not a
// member of its chat, or it lies before the member's first visible message (HIDE_HISTORY).
struct VisibleMessage {
  Message message;
  Chat chat;
};
std::optional<VisibleMessage> visible_message(Conn& c, int64_t message_id, int64_t user_id);

}  // namespace imhub
