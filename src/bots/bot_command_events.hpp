// ONIMCOMMANDADD (protocol.md §9.3, Command::onCommandAdd): typed `/command params` lines
// (COMMAND_CONTEXT TEXTAREA) and keyboard buttons or menu items (KEYBOARD / MENU). Commands are
// the bot_commands rows imbot.command.register writes (bots/command.hpp); data[COMMAND] is keyed by
// their id.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bots/bot.hpp"
#include "bots/bot_delivery.hpp"
#include "bots/bot_payload.hpp"
#include "bots/command.hpp"
#include "im/chat.hpp"
#include "store/store.hpp"

namespace imhub {

// The command `command` of bot `bot_id` (exact, else ignoring case); nullopt when unregistered.
std::optional<Command> command_of_bot(Conn& c, int64_t bot_id, const std::string& command);

// At most this many commands run per message (Command::onCommandAdd).
constexpr size_t kMaxCommandsPerMessage = 10;

// Whether any line of `text` starts with "/".
bool has_command_line(std::string_view text);

// Whether a `/command` typed in `chat` by an author (extranet or not) reaches `cmd` of `bot`
// (Command::findCommands): COMMON commands everywhere, the others in a private dialog with their
// bot (`peer`) or a chat the bot is in (`members`); none of an ordinary bot in an open line.
bool command_reaches(const Command& cmd, const Bot& bot, const Chat& chat, int64_t peer,
                     const std::vector<Bot>& members, bool extranet_author);

// ONIMCOMMANDADD for the `/command` lines of a new message. `members` are the chat's bots.
void send_typed_commands(Conn& w, const Cause& cause, const Chat& chat, const MessageFacts& m, int64_t peer,
                         const std::vector<Bot>& members);

}  // namespace imhub
