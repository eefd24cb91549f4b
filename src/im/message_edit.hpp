// The rules of changing a message after it was written, shared by im.message.* and
// imbot.message.*: the edited mark, likes and soft deletion.
#pragma once

#include <cstdint>
#include <string_view>

#include "im/message.hpp"

namespace imhub {

// The localized "message deleted" text a soft delete leaves (CIMMessenger::Delete).
constexpr const char* kDeletedMessageText = "This message was deleted.";

// Marks an edit: IS_EDITED "Y" when `edited`, otherwise the mark is taken away (the caller passed
// IS_EDITED other than Y).
void mark_edited(Message& m, bool edited);

// The like of `user_id` on `m`: "plus" sets it, "minus" clears it, anything else toggles it.
// false (and `m` unchanged) when it already was that way.
bool toggle_like(Message& m, int64_t user_id, std::string_view action);

// Leaves the deleted-message text and keeps only REPLY_ID and LIKE of its params.
void soft_delete(Message& m);

}  // namespace imhub
