// Changing a chat after it exists: members joining and leaving, title, colour, avatar, owner,
// and a member's mute flag. Every change a member can see is written to the chat's history as a
// system message (author 0), as the platform does ("Every change is reflected in the
// conversation by a system message", reference chats/chat-update/index.md).
//
// Who may do what follows the platform's default chat permissions (reference
// chats/im-dialog-get.md "permissions"): manage_users_add = member, manage_users_delete =
// manager (the owner and the members it made managers), manage_ui = member; only the owner hands over
// ownership; anyone may leave; in an open chat anyone may join. Private (P) dialogs are not
// administered.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "im/change_feed.hpp"
#include "im/chat.hpp"
#include "store/store.hpp"

namespace imhub {

// The display name of a user, for system message texts. Resolved before the write transaction
// (it must not touch the store).
using NameOf = std::function<std::string(int64_t user_id)>;

enum class ChangeStatus {
  kOk,
  kUnchanged,      // the chat already is that way
  kNoChat,         // missing, or closed to the caller (the two look the same)
  kNotMember,      // the caller can see the chat but is not in it
  kPrivateChat,    // a P dialog
  kForbidden,      // a member without the right
  kAlreadyMember,  // every user to add is in the chat already
  kNotInChat,      // the user acted on is not in the chat
};

// --- System message texts (pure). Mentions use the expanded `[USER=n REPLACE]Name[/USER]` form
// the platform stores (reference im.dialog.messages.get example).
std::string user_mention(int64_t user_id, const std::string& name);
// "A invited B, C to the chat"; when A adds only themselves (open chat): "A joined the chat".
std::string join_text(int64_t actor, const std::vector<int64_t>& added, const NameOf& name_of);
std::string leave_text(int64_t user, const NameOf& name_of);
std::string kick_text(int64_t actor, int64_t user, const NameOf& name_of);
std::string rename_text(int64_t actor, const std::string& title, const NameOf& name_of);
std::string color_text(int64_t actor, const std::string& color, const NameOf& name_of);
std::string avatar_text(int64_t actor, const NameOf& name_of);
std::string owner_text(int64_t actor, int64_t owner, const NameOf& name_of);
// "LIGHT_BLUE" → "Light blue", as the colour is named in messages.
std::string color_display_name(const std::string& color);
// Message params of join and leave messages: {"CODE":["CHAT_JOIN"],"NOTIFY":"N"}.
std::string system_params(const std::string& code);

// --- Checks (any connection).
// Whether `actor` may act on the chat as a member: kOk, kNoChat, kNotMember or kPrivateChat.
// Fills `chat` when the chat exists.
ChangeStatus check_member(Conn& c, int64_t chat_id, int64_t actor, Chat* chat = nullptr);

// --- Changes. Nothing is written or raised unless the result is kOk; each raises its change
// (im/change.hpp) after the system message it posts.
// Adds `users` (ids of existing, active users); members already in the chat are skipped. With
// `hide_history` the new members see only messages from their joining on. New members have read
// the chat up to its last message before the join message.
ChangeStatus add_chat_members(Tx& tx, int64_t chat_id, int64_t actor, const std::vector<int64_t>& users,
                              bool hide_history, const NameOf& name_of);
// Removes `user`; `user == actor` is leaving. An owner who leaves hands the chat to the member
// who joined earliest.
ChangeStatus remove_chat_member(Tx& tx, int64_t chat_id, int64_t actor, int64_t user, const NameOf& name_of);
// kUnchanged (and nothing written) when the title is the same.
ChangeStatus rename_chat(Tx& tx, int64_t chat_id, int64_t actor, const std::string& title, const NameOf& name_of);
// `color` is a normalised colour name; kUnchanged when the chat has it already.
ChangeStatus recolor_chat(Tx& tx, int64_t chat_id, int64_t actor, const std::string& color, const NameOf& name_of);
// The avatar a chat was created with (im.chat.add AVATAR, stored once the chat has its id): no
// system message.
void set_new_chat_avatar(Tx& tx, int64_t chat_id, const std::string& url);
ChangeStatus set_chat_avatar(Tx& tx, int64_t chat_id, int64_t actor, const std::string& url, const NameOf& name_of);
// Only the owner; `owner` must be a member. kUnchanged when `owner` already owns the chat.
ChangeStatus set_chat_owner(Tx& tx, int64_t chat_id, int64_t actor, int64_t owner, const NameOf& name_of);
// Makes `user` a manager of the chat (or takes it back): only the owner, `user` must be a
// member. No system message (the platform sends none for imbot.chat.setManager).
ChangeStatus set_chat_manager(Tx& tx, int64_t chat_id, int64_t actor, int64_t user, bool manager);
// The caller's own notification flag; members only (P dialogs included). No system message.
ChangeStatus mute_chat(Tx& tx, int64_t chat_id, int64_t user, bool mute);

}  // namespace imhub
