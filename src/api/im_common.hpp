// Parameter and access helpers shared by the im.* adapters (messages, dialogs, recent).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "im/chat.hpp"
#include "im/dialog.hpp"
#include "rest/registry.hpp"

namespace imhub {

// The first of `names` that is present, as an id > 0 ("MESSAGE_ID", then its alias "ID").
std::optional<int64_t> positive_id_param(const MethodCall& call, std::initializer_list<std::string_view> names);

// DIALOG_ID, or `chat` + CHAT_ID when DIALOG_ID is absent (the SRC fallback several methods have).
std::optional<DialogRef> dialog_param(const MethodCall& call);

// The chat behind a dialog as `user_id` may read it: members, and anyone for open chats. A
// private dialog that has no message yet has no chat: nullopt, like a chat the user may not see.
std::optional<Chat> readable_chat(Conn& c, const DialogRef& d, int64_t user_id);

// Only members: the chat and the caller's membership.
struct Membership {
  Chat chat;
  ChatMember member;
};
std::optional<Membership> membership(Conn& c, const DialogRef& d, int64_t user_id);

// Queues the link preview of message `id` (URL_PREVIEW is on unless exactly "N", im_rest.php).
// `edit`: the text replaced an older one, whose preview may have to go; a new message without a
// link needs nothing.
void enqueue_preview(const MethodCall& call, int64_t id, const std::string& text, bool edit);

}  // namespace imhub
