// The rich parts of a message as a request gives them (ATTACH, KEYBOARD, MENU), shared by
// im.message.*, imbot.message.* and imbot.command.answer (protocol.md §12.2).
#pragma once

#include <cstdint>
#include <functional>
#include <string_view>

#include "core/value.hpp"

namespace imhub {

// "N" or an empty value: the caller asks to remove the part (update).
bool is_rich_removal(const Value& v);

// A request parameter by name (null Value when absent).
using ParamOf = std::function<const Value&(std::string_view)>;

// Validates ATTACH, KEYBOARD and MENU as given and puts the normalized forms into `params`
// (30 KB each). With `update`, a removal value erases the part instead. `bot_id` is the bot that
// writes the message (0 for a person): its COMMAND buttons and menu items go to it. Throws the
// part's *_ERROR / *_OVERSIZE.
void apply_rich_params(const ParamOf& param, Value& params, bool update, int64_t bot_id);

}  // namespace imhub
