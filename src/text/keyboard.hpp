// KEYBOARD: buttons under a message (spec 002 "Keyboards", protocol.md §12.2).
#pragma once

#include <cstdint>

#include "core/error.hpp"
#include "core/value.hpp"

namespace imhub {

namespace keyboard_errors {}  // namespace keyboard_errors

// Validates a KEYBOARD parameter (`{BUTTONS, COLORS, BOT_ID}` or a bare list of buttons, nested
// or as a JSON string) and returns the stored params.KEYBOARD: the list of buttons, each
// `{BOT_ID, TYPE:"BUTTON", TEXT, <action>, BG_COLOR, TEXT_COLOR, DISPLAY, DISABLED, CONTEXT,
// [WIDTH], WAIT:"N"}` (COMMAND buttons also carry COMMAND_PARAMS and BLOCK), and
// `{TYPE:"NEWLINE"}` row breaks.
//
// `bot_id` is the bot that sends the message (0 for a user): COMMAND buttons go to it unless the
// button or the keyboard names a BOT_ID. A button without TEXT or without a valid action is
// dropped; KEYBOARD_ERROR when no button is left, KEYBOARD_OVERSIZE over 30 KB of JSON.
Value normalize_keyboard(const Value& param, int64_t bot_id);

}  // namespace imhub
