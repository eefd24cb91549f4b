// Every state change the domain makes, described once as a typed value (design.md "The change
// feed"). Domain functions raise them inside their write transaction through Tx::raise
// (im/change_feed.hpp); bots, applications and the realtime push subscribe in app.cpp and never
// need an im/ file to learn of a change.
//
// A change names the chat or the users it concerns and carries what cannot be read back after
// the commit (a deleted message as it was, who acted). Subscribers that run after the commit read
// the rest from the store.
#pragma once

#include <cstdint>
#include <string>
#include <variant>
#include <vector>

#include "im/chat.hpp"
#include "im/message.hpp"

namespace imhub {

// --- Messages
// Appended by post_message (im/message_post.hpp), the one place a message enters a chat.
// `chat` as it was before the append (a private dialog's first message sees last_message_id 0).
struct MessageAdded {
  Chat chat;
  int64_t message_id = 0;
  NewMessage message;
  bool by_bot = false;  // bots never hear what bots write
  // chats.members_version in the transaction that wrote it, where the writer's cache knows it
  // (-1: not known): lets the push worker tell from its cached roster that nobody is to be told.
  int64_t members_version = -1;
};
// Text or rich params changed; `before` and `after` as stored.
struct MessageUpdated {
  Message before;
  Message after;
  bool by_bot = false;
};
// Soft-deleted (`after` is what is left) or erased (`complete`).
struct MessageDeleted {
  Message before;
  Message after;
  bool complete = false;
  bool by_bot = false;
};
struct MessageLiked {
  Message message;  // with its likes after the change
  int64_t user_id = 0;
  bool liked = false;
};
// The server itself changed a stored message's params (a link preview attached or taken away,
// previews/): no request caused it and no bot or application hears of it; announced after the
// commit for the realtime push (messageParamsUpdate).
struct MessageParamsChanged {
  int64_t message_id = 0;
  int64_t chat_id = 0;
};
// A keyboard button or menu item of a bot's message was pressed (im.message.command).
struct CommandPressed {
  Message message;
  int64_t user_id = 0;
  int64_t bot_id = 0;
  std::string command;
  std::string params;
  std::string context;  // KEYBOARD or MENU
};

// --- Read state
struct ChatRead {
  int64_t chat_id = 0;
  int64_t user_id = 0;
  int64_t last_id = 0;      // read up to this message
  int64_t previous_id = 0;  // the read mark before (the messages after it up to last_id were viewed now)
};
struct ChatUnread {
  int64_t chat_id = 0;
  int64_t user_id = 0;
  int64_t from_id = 0;  // unread from this message on
};
struct AllRead {
  int64_t user_id = 0;
};

// --- Chats
struct ChatCreated {
  Chat chat;
  std::vector<int64_t> members;
};
struct MembersAdded {
  int64_t chat_id = 0;
  int64_t actor = 0;
  std::vector<int64_t> users;  // each a new member
  bool hide_history = false;
};
// `user == actor` when the user left. `message_id`: the system message that says so.
struct MemberRemoved {
  int64_t chat_id = 0;
  int64_t actor = 0;
  int64_t user = 0;
  int64_t message_id = 0;
};
enum class ChatField { kTitle, kColor, kAvatar, kOwner, kDescription };
// The title, colour, avatar URL or owner (as text) of a chat changed to `value`.
struct ChatChanged {
  int64_t chat_id = 0;
  int64_t actor = 0;
  ChatField field = ChatField::kTitle;
  std::string value;
};
struct ManagerChanged {
  int64_t chat_id = 0;
  int64_t user = 0;
  bool manager = false;
};
struct ChatMuted {
  int64_t chat_id = 0;
  int64_t user_id = 0;
  bool muted = false;
};
// "is typing…": written nowhere, announced at once (im.dialog.writing, *.sendTyping).
struct Typing {
  int64_t chat_id = 0;
  int64_t user_id = 0;
};

// --- The recent list (per user)
enum class RecentMark { kPinned, kUnpinned, kHidden, kMarkedUnread, kUnmarkedUnread };
struct RecentChanged {
  int64_t user_id = 0;
  int64_t chat_id = 0;
  RecentMark mark = RecentMark::kPinned;
};

// --- Notifications (per user)
enum class NotificationEvent { kAdded, kRead, kUnread, kConfirmed, kAnswered, kDeleted };
// `ids`: the notifications added, deleted, confirmed or answered, or every one whose read flag
// changed (kRead / kUnread).
struct NotificationChanged {
  int64_t user_id = 0;
  NotificationEvent event = NotificationEvent::kAdded;
  std::vector<int64_t> ids;
  std::string value;  // the button chosen (kConfirmed) or the answer text (kAnswered)
};

// --- Users
// The status the user set (online / dnd / away), or "idle" / "active" when they went idle or
// came back (im.user.status.idle.*).
struct UserStatusChanged {
  int64_t user_id = 0;
  std::string status;
};

// A user was added to the portal (user.add) by `actor`.
struct UserAdded {
  int64_t user_id = 0;
  int64_t actor = 0;
};

// --- Files
struct FileCommitted {
  int64_t chat_id = 0;
  int64_t file_id = 0;
  int64_t user_id = 0;
};
struct FileDeleted {
  int64_t chat_id = 0;  // 0 when the file was in no chat
  int64_t file_id = 0;
  int64_t user_id = 0;
};

// --- Bots and applications
enum class BotPart { kBot, kCommand, kChatApp };
struct BotRegistered {
  BotPart part = BotPart::kBot;
  int64_t bot_id = 0;
  int64_t id = 0;  // the command or chat app; the bot for kBot
};
struct BotRemoved {
  BotPart part = BotPart::kBot;
  int64_t bot_id = 0;
  int64_t id = 0;
};
// An application was uninstalled: its bots, commands and chat apps go with it (bots/ listens).
struct AppUninstalled {
  int64_t app_id = 0;
};

// --- Open lines
// A session of a LINES chat changed hands or status (openlines/session_flow.hpp): the operators
// in the chat, and `operator_id` (who had it, even when the close made them leave), are told.
// `answered_by`: the operator who took it with this change (0 when nobody did).
struct LinesSessionChanged {
  int64_t chat_id = 0;
  int64_t session_id = 0;
  int status = 0;
  bool closed = false;
  int64_t operator_id = 0;
  int64_t answered_by = 0;
};

using Change =
    std::variant<MessageAdded, MessageUpdated, MessageDeleted, MessageLiked, MessageParamsChanged, CommandPressed,
                 ChatRead, ChatUnread, AllRead, ChatCreated, MembersAdded, MemberRemoved, ChatChanged, ManagerChanged,
                 ChatMuted, Typing, RecentChanged, NotificationChanged, UserStatusChanged, UserAdded, FileCommitted,
                 FileDeleted, BotRegistered, BotRemoved, AppUninstalled, LinesSessionChanged>;

// The chat a change concerns (0 for none) and, for per-user changes, the user; subscribers that
// fan out to members read the chat's members themselves.
struct ChangeScope {
  int64_t chat_id = 0;
  int64_t user_id = 0;
};
ChangeScope scope_of(const Change& change);

}  // namespace imhub
