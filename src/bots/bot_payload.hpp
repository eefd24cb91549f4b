// The `data` blocks of bot events, key for key as the reference event pages show them
// (chat-bots/outdated/*/events/*.md) and im_rest.php builds them (protocol.md §9.3). Values go
// out as strings anyway (form encoding), so ids stay integers here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "bots/bot.hpp"
#include "bots/bot_delivery.hpp"
#include "core/value.hpp"
#include "im/chat.hpp"
#include "im/message.hpp"
#include "store/store.hpp"
#include "users/user.hpp"

namespace imhub {

// LANGUAGE of every bot event: the portal's default language, lower case.
constexpr const char* kBotEventLanguage = "en";

// The event-side view of a message: what the PARAMS builders need.
struct MessageFacts {
  int64_t id = 0;
  int64_t author_id = 0;
  std::string text;
  bool system = false;
  std::string template_id;
};
MessageFacts facts_of(const Message& m);

// `{BOT_ID, BOT_CODE}` with `bot.id` as key; `handler` is the bot's URL for `event` (used for
// webhook bots).
BotTarget bot_target(const Bot& bot, const std::string& event);

// data[USER]: ID, NAME, FIRST_NAME, LAST_NAME, WORK_POSITION, GENDER, and with `flags` IS_BOT,
// IS_CONNECTOR, IS_NETWORK, IS_EXTRANET. Empty when the user does not exist (author 0).
Value user_block(Conn& c, int64_t user_id, bool flags);

// A private chat is addressed by the other user's id, anything else as "chat<id>".
bool is_private(const Chat& chat);
// The other member of a private chat (0 when there is none).
int64_t private_peer(Conn& c, const Chat& chat, int64_t user_id);

// data[PARAMS] of ONIMBOTMESSAGEADD. `peer` is the other party of a private chat.
Value message_add_params(Conn& c, const Chat& chat, const MessageFacts& m, int64_t peer);
// data[PARAMS] of ONIMBOTMESSAGEUPDATE / ONIMBOTMESSAGEDELETE.
Value message_update_params(Conn& c, const Chat& chat, const MessageFacts& m, int64_t peer);
Value message_delete_params(const Chat& chat, const MessageFacts& m, int64_t peer);
// data[PARAMS] of ONIMCOMMANDADD. `bots_in_chat` fills BOT_IN_CHAT of group chats.
Value command_params(Conn& c, const Chat& chat, const MessageFacts& m, int64_t peer,
                     const std::vector<int64_t>& bots_in_chat);
// data[PARAMS] of ONIMBOTJOINCHAT: `user_id` added the bot (or opened the private dialog).
Value join_params(const Chat& chat, int64_t bot_id, int64_t user_id, bool access_history);

}  // namespace imhub
