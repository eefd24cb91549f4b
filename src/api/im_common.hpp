// Parameter and access helpers shared by the im.* adapters (messages, dialogs, recent).
#pragma once

#include <cstdint>
#include <initializer_list>
#include <optional>
#include <string>
#include <string_view>

#include "api/registry.hpp"
#include "im/chat.hpp"
#include "im/dialog.hpp"
#include "im/message_actions.hpp"

namespace imhub {

// The first of `names` that is present, as an id > 0 ("MESSAGE_ID", then its alias "ID").
std::optional<int64_t> positive_id_param(const MethodCall& call, std::initializer_list<std::string_view> names);

// DIALOG_ID, or `chat` + CHAT_ID when DIALOG_ID is absent (the SRC fallback several methods have).
std::optional<DialogRef> dialog_param(const MethodCall& call);

// Queues the link preview of message `id` (URL_PREVIEW is on unless exactly "N", im_rest.php).
// `edit`: the text replaced an older one, whose preview may have to go; a new message without a
// link needs nothing.
void enqueue_preview(const MethodCall& call, int64_t id, const std::string& text, bool edit);

// "is typing…" of `user_id` (the caller, or the bot it acts as) in dialog `d`: refused with
// ACCESS_ERROR unless the user is a member of the chat or the other person of a private dialog
// is active; announced on the change feed (Typing), nothing is stored. A private dialog with no
// message yet has nobody to tell.
void announce_typing(const MethodCall& call, int64_t user_id, const DialogRef& d);

// The ATTACH, KEYBOARD and MENU of an update (im.message.update, imbot.message.update) into `edit`:
// validated (throws the part's *_ERROR) before the transaction; "N" or empty removes a part.
// `bot_id` is the bot that writes the message (0 for a person).
void read_edited_parts(const MethodCall& call, int64_t bot_id, Edit& edit);

}  // namespace imhub
