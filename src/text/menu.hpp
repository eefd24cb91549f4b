// MENU: the context menu of a message (spec 002 "Context menus", reference messages/menu.md).
#pragma once

#include <cstdint>

#include "core/error.hpp"
#include "core/value.hpp"

namespace imhub {

namespace menu_errors {}  // namespace menu_errors

// Validates a MENU parameter (`{ITEMS:[…]}`, a bare list of items — wrapped as the reference
// server does — nested or as a JSON string) and returns the stored params.MENU: the list of
// items `{BOT_ID, TEXT, <action>, DISABLED, CONTEXT}` and `{TYPE:"NEWLINE"}` separators.
// Items need TEXT and one action (LINK, APP_ID, ACTION + ACTION_VALUE, or COMMAND — which needs
// a bot: the item's BOT_ID, the menu's, or `bot_id`). Invalid items are dropped; MENU_ERROR
// when none is left, MENU_OVERSIZE over 30 KB of JSON.
Value normalize_menu(const Value& param, int64_t bot_id);

}  // namespace imhub
