// Bot commands (imbot.command.*, spec 002 "Commands", protocol.md §9.7): a `/word` a bot answers.
// Rows live in `bot_commands` (migration 14); the bot module reads them to turn a typed
// `/command params` or a keyboard press into ONIMCOMMANDADD for the command's handler.
//
// Invariants of the rows written here:
// - `command` has no leading "/" and is unique per bot (re-registering returns the first id).
// - `handler` is the same for every command of one owner: the platform keeps one ONIMCOMMANDADD
//   subscription per application, so the handler registered last serves all of its commands
//   (spec 002 "Only one event handler per one application is permitted"). For an OAuth
//   application that handler is also its online ONIMCOMMANDADD binding (apps/event_binding.hpp).
//   For a webhook bot the handler carries `CLIENT_ID=<id>` in its query (§9.5).
// - `lang` is a JSON list of {LANGUAGE_ID (lower case), TITLE, PARAMS}.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "im/change_feed.hpp"
#include "store/store.hpp"

namespace imhub {

struct Command {
  int64_t id = 0;
  int64_t bot_id = 0;
  std::string command;  // without the leading "/"
  bool common = false;  // answers in any chat, even without the bot (COMMON=Y)
  bool hidden = false;
  bool extranet_support = false;
  std::string handler;
  Value lang = Value::list();  // [{LANGUAGE_ID, TITLE, PARAMS}]
  std::string owner;           // the bot's owner key (bots/bot.hpp)
  int64_t created_at = 0;
};

// "/echo " → "echo": the leading slash goes, surrounding blanks too.
std::string command_name(std::string_view text);

// LANG as the platform stores it: entries without LANGUAGE_ID or TITLE are skipped, the language
// is lower-cased, PARAMS defaults to "". Accepts a list, a PHP-style indexed map or a JSON text.
Value normalize_command_lang(const Value& lang);

std::optional<Command> find_command(Conn& c, int64_t id);
std::optional<Command> find_bot_command(Conn& c, int64_t bot_id, const std::string& command);
// The owner's first command with this name (imbot.command.answer by COMMAND).
std::optional<Command> find_owner_command(Conn& c, const std::string& owner, const std::string& command);
std::vector<Command> commands_of_owner(Conn& c, const std::string& owner);
// Every command registered under `command` (case-sensitive, as the platform matches typed
// commands), oldest first.
std::vector<Command> commands_named(Conn& c, const std::string& command);
// The commands of one bot, and the COMMON=Y commands of every bot, oldest first.
std::vector<Command> commands_of_bot(Conn& c, int64_t bot_id);
std::vector<Command> common_commands(Conn& c);

// Inserts `cmd` (fills id and created_at).
int64_t insert_command(Tx& tx, Command& cmd);
// Rewrites name, flags and lang of an existing command (not the handler).
void save_command(Conn& w, const Command& cmd);
void delete_command(Tx& tx, const Command& cmd);

// Points every command of `owner` at `handler` and, for an OAuth application (`app_id` > 0),
// replaces its online ONIMCOMMANDADD bindings with one for `handler`.
void set_command_handler(Conn& w, const std::string& owner, int64_t app_id, const std::string& handler);

// Whether `text` calls `/command` on one of its lines (`^/command( |$)`, as the platform parses
// typed commands).
bool text_calls_command(std::string_view text, const std::string& command);

}  // namespace imhub
