// Changing a message after it was written, shared by im.message.* and imbot.message.*: the
// rich parts (ATTACH, KEYBOARD, MENU) of add and update, the edited mark, and soft deletion.
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "core/value.hpp"
#include "im/message.hpp"

namespace imhub {

// The localized "message deleted" text a soft delete leaves (CIMMessenger::Delete).
constexpr const char* kDeletedMessageText = "This message was deleted.";

// "N" or an empty value: the caller asks to remove the part (update).
bool is_rich_removal(const Value& v);

// A request parameter by name (null Value when absent).
using ParamOf = std::function<const Value&(std::string_view)>;

// Validates ATTACH, KEYBOARD and MENU as given and puts the normalized forms into `params`
// (protocol.md §12.2; 30 KB each). With `update`, a removal value erases the part instead.
// `bot_id` is the bot that writes the message (0 for a person): its COMMAND buttons and menu
// items go to it. Throws the part's *_ERROR / *_OVERSIZE.
void apply_rich_params(const ParamOf& param, Value& params, bool update, int64_t bot_id);

// IS_EDITED of an edit: "Y" unless the caller passed IS_EDITED other than Y.
void mark_edited(Message& m, const Value& is_edited);

// The like of `user_id` on `m`: "plus" sets it, "minus" clears it, anything else toggles it.
// false (and `m` unchanged) when it already was that way.
bool toggle_like(Message& m, int64_t user_id, std::string_view action);

// Leaves the deleted-message text and keeps only REPLY_ID and LIKE of its params.
void soft_delete(Message& m);

}  // namespace imhub
