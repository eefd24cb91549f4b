// What the messenger's write paths call so that bots hear about it (protocol.md §9.2–§9.3). Each
// runs inside the caller's write transaction, so the events are durable exactly when the change
// is; each returns at once when no registered bot is involved. Messages written by bots never
// cause bot events.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bots/bot_delivery.hpp"
#include "im/chat.hpp"
#include "im/message.hpp"
#include "store/store.hpp"

namespace imhub {

// A message was appended to `chat` (`chat` as loaded before the append). ONIMBOTMESSAGEADD for
// the bots that see it (the other party of a private chat; mentioned member bots and supervisor
// bots of group chats; OPENLINE bots of LINES chats) and ONIMCOMMANDADD for `/command` lines.
// The first message of a private chat with a bot opens the dialog: ONIMBOTJOINCHAT comes first.
void bots_on_message_added(Conn& w, const Cause& cause, const Chat& chat, int64_t message_id, const NewMessage& m);
// A message's text or rich parts changed (`after`), or it was deleted (`before` as it was;
// `after` as left behind, or nullopt when erased).
void bots_on_message_updated(Conn& w, const Cause& cause, const Message& before, const Message& after);
void bots_on_message_deleted(Conn& w, const Cause& cause, const Message& before, const Message& after);
// A keyboard button or menu item of message `m` was pressed (im.message.command, already
// validated): ONIMCOMMANDADD with COMMAND_CONTEXT `context` (KEYBOARD / MENU) to the command
// `command` of bot `bot_id`, when the bot registered it.
void bots_on_command_pressed(Conn& w, const Cause& cause, const Message& m, int64_t bot_id, const std::string& command,
                             const std::string& params, const std::string& context);
// `users` joined chat `chat_id` (all of them new members): ONIMBOTJOINCHAT for each bot among
// them, and a supervisor's notice in the chat. `access_history` is false when they joined with
// hidden history.
void bots_on_members_added(Tx& tx, const Cause& cause, int64_t chat_id, const std::vector<int64_t>& users,
                           bool access_history);

}  // namespace imhub
