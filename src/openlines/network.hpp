// Bitrix24.Network for local lines (protocol-openlines.md §5.8): on the platform a line published
// in the Network has a 32-character code, and a portal that joins it (imopenlines.network.join)
// gets a bot speaking for the line; the line may write to a user once a week through that bot
// (imopenlines.network.message.add). imhub has no Network directory: an administrator gives a
// local line its code (`imhub openlines network LINE`), and only such codes are found.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "im/change_feed.hpp"
#include "openlines/line.hpp"

namespace imhub {

inline constexpr int64_t kNetworkMessageInterval = 7 * 86400;  // one message per user per week

// 32 letters or digits (the platform's codes are hex).
bool valid_network_code(const std::string& code);
// The line carrying `code`, if any.
std::optional<OpenLine> line_of_network_code(Conn& c, const std::string& code);
std::optional<std::string> network_code_of(Conn& c, int64_t line_id);
// Gives the line `code` (replacing the one it had); false when another line has it.
bool set_network_code(Conn& c, int64_t line_id, const std::string& code);

// The bot that speaks for the line (created on the first join: TYPE "N", named after the line,
// no event handlers).
int64_t ensure_network_bot(Tx& tx, const OpenLine& line);

// Whether the line may write to `user_id` now (no message in the last week), and noting one.
bool network_message_allowed(Conn& c, int64_t line_id, int64_t user_id, int64_t now);
void note_network_message(Conn& c, int64_t line_id, int64_t user_id, int64_t now);

}  // namespace imhub
