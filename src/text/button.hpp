// What keyboard buttons and context-menu items share: TEXT plus exactly one action (LINK,
// APP_ID, ACTION + ACTION_VALUE or COMMAND), checked the same way for both
// (protocol.md §12.2, spec 002 "Keyboards" / "Context menus").
#pragma once

#include <cstdint>
#include <optional>

#include "core/value.hpp"

namespace imhub {

// Adds the action keys of `in` to `out`. Returns false when `in` carries no valid action. A
// COMMAND needs a bot to receive it: the button's own BOT_ID, else `bot_id`; the command's
// leading "/" is dropped.
bool put_button_action(const Value& in, int64_t bot_id, Value& out);

// TEXT, trimmed; nullopt when missing or empty.
std::optional<std::string> button_text(const Value& in);

// CONTEXT: MOBILE, DESKTOP or ALL (the default).
std::string button_context(const Value& in);

// A `{"TYPE": "NEWLINE"}` row break.
bool is_newline(const Value& in);

}  // namespace imhub
