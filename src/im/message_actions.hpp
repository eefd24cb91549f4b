// What a person does to messages (im.message.*; bots reach the same through imbot.message.*):
// send, edit, delete, like, press a bot's button, share. Each checks who may, changes the store
// and raises its change (im/change.hpp); none knows about parameters or wire errors.
// Contract: spec 002 "Chat API" message methods; reference chats/messages/.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "core/value.hpp"
#include "im/change_feed.hpp"
#include "im/dialog.hpp"
#include "im/message.hpp"

namespace imhub {

enum class MessageStatus {
  kOk,
  kUnchanged,       // a like already set, an edit that changes nothing
  kNotFound,        // no such message (or deleted, where that matters)
  kForbidden,       // not the author (or the chat's owner, for deletion), or the edit window passed
  kNoAccess,        // the message's chat is closed to the user
  kReplyNotFound,   // REPLY_ID names no message
  kReplyOtherChat,  // REPLY_ID is in another chat
  kNotOffered,      // the message offers no such bot command
};

// --- Sending. A message to a user goes into the private dialog with them (created by its first
// message); a message to a chat needs its author to be a member (kNoAccess otherwise). With a
// template id the author already used, the earlier message's id comes back and nothing is sent.
struct Send {
  int64_t author = 0;
  DialogRef to;
  std::string text;
  std::string params_json;
  bool system = false;
  std::string template_id;
  int64_t reply_id = 0;
};
struct Sent {
  MessageStatus status = MessageStatus::kOk;
  int64_t id = 0;
};
Sent send_message(Tx& tx, const Send& s);

// --- Editing the author's own message within the edit window (kEditWindowSeconds).
struct Edit {
  std::optional<std::string> text;  // a new text ("" deletes the message unless an ATTACH stays)
  Value parts;                      // ATTACH / KEYBOARD / MENU to set (normalized)
  std::vector<std::string> removed_parts;
  bool edited_mark = true;  // IS_EDITED
  // A bot rewrites its messages (keyboard pages) without the edited mark (EDIT_FLAG=N), and
  // bots never hear of it.
  bool by_bot = false;
};
// kForbidden for someone else's, a deleted, or a too old message; kUnchanged when nothing changes.
MessageStatus edit_message(Tx& tx, int64_t message_id, int64_t user_id, const Edit& e);

// --- Deleting: the author, or the owner of a group chat. `complete` erases it for good.
MessageStatus delete_message(Tx& tx, int64_t message_id, int64_t user_id, bool complete, bool by_bot = false);

// --- Likes of a member: action "plus", "minus", or anything else to toggle.
MessageStatus like_message(Tx& tx, int64_t message_id, int64_t user_id, const std::string& action);
// `user_id` may be a bot (imbot.message.like): the same rules.

// --- A click on a bot's keyboard button or menu item; recorded, and the bot hears it.
MessageStatus press_command(Tx& tx, int64_t message_id, int64_t user_id, int64_t bot_id, const std::string& command,
                            const std::string& params);

// --- Sharing as a new group chat with the dialog's members, seeded with the message
// (im.message.share TYPE=CHAT). kNoAccess when the user may not read the dialog or the message.
MessageStatus share_message_as_chat(Tx& tx, int64_t message_id, const DialogRef& dialog, int64_t user_id);

}  // namespace imhub
