// ONIMCOMMANDADD (protocol.md §9.3, Command::onCommandAdd): typed `/command params` lines
// (COMMAND_CONTEXT TEXTAREA) and keyboard buttons or menu items (KEYBOARD / MENU). Commands are
// the bot_commands rows imbot.command.register writes; data[COMMAND] is keyed by their id.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "bots/bot.hpp"
#include "bots/bot_delivery.hpp"
#include "bots/bot_payload.hpp"
#include "im/chat.hpp"
#include "store/store.hpp"

namespace imhub {

struct BotCommand {
  int64_t id = 0;
  int64_t bot_id = 0;
  std::string command;  // without the slash
  bool common = false;  // usable in any chat, the bot need not be a member
  bool extranet_support = false;
  std::string handler;  // EVENT_COMMAND_ADD
};

// Commands registered under `command` (case-sensitive, as on the platform), oldest first.
std::vector<BotCommand> commands_named(Conn& c, const std::string& command);
// The command `command` of bot `bot_id` (exact, else ignoring case); nullopt when unregistered.
std::optional<BotCommand> command_of_bot(Conn& c, int64_t bot_id, const std::string& command);

// At most this many commands run per message (Command::onCommandAdd).
constexpr size_t kMaxCommandsPerMessage = 10;

// Whether any line of `text` starts with "/".
bool has_command_line(std::string_view text);

// ONIMCOMMANDADD for the `/command` lines of a new message. `members` are the chat's bots.
void send_typed_commands(Conn& w, const BotEventCause& cause, const Chat& chat, const MessageFacts& m, int64_t peer,
                         const std::vector<Bot>& members);

}  // namespace imhub
