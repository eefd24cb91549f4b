// imbot.command.answer: the bot's reply to a command, posted in the chat of the message that
// carried the command (`Bitrix\Im\Command::addMessage`). Where the bot is a member (its private
// dialog, a group chat it is in) the reply is an ordinary message of the bot; a COMMON command
// used where the bot is not a member is answered with a system message signed by the bot, and
// only when the message really calls that command. Anything else is refused.
#pragma once

#include <cstdint>
#include <string>

#include "bots/command.hpp"
#include "im/change_feed.hpp"
#include "store/store.hpp"

namespace imhub {

struct CommandAnswer {
  std::string text;         // normalized, not empty
  std::string params_json;  // ATTACH / KEYBOARD / MENU, "" for none
  bool system = false;      // SYSTEM=Y
};

// The prefix of a system-style answer: "[USER=<bot>][/USER] Chat Bot:" and a line break (the
// platform's COMMAND_BOT_ANSWER phrase "#BOT_NAME# Chat Bot").
std::string command_answer_prefix(int64_t bot_id);

// Appends the answer (write connection) and returns its message id; 0 when the message is
// missing or deleted, or the bot may not answer there.
int64_t post_command_answer(Tx& tx, const Command& cmd, int64_t message_id, const CommandAnswer& answer);

}  // namespace imhub
