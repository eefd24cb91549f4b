// Registering, changing and removing chatbots (imbot.register / update / unregister, protocol.md
// §9.1, §9.6): the bot's user, its `bots` row, and the event subscriptions its handlers become.
// Every function runs inside the caller's write transaction.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "bots/bot.hpp"
#include "bots/bot_delivery.hpp"
#include "im/change_feed.hpp"
#include "store/store.hpp"

namespace imhub {

// The five handler URLs of imbot.register ("" = not given). For webhook bots they already carry
// `CLIENT_ID=` (§9.5).
struct BotHandlers {
  std::string message_add, message_update, message_delete, welcome, bot_delete;
};

// PROPERTIES: the bot's user profile. nullopt = not given.
struct BotProfile {
  std::optional<std::string> name, last_name, email, birthday, work_position, www, gender, color;
  std::optional<std::string> photo_url;  // already stored (im/chat_avatar), absolute URL
};

struct BotRegistration {
  std::string code;
  std::string type = "B";
  bool openline = false;
  int64_t app_id = 0;  // 0 for a webhook bot
  std::string owner;   // bot_owner_for_app / bot_owner_for_client
  BotHandlers handlers;
  BotProfile profile;
};

// The profile's default position when none is given (BOT_DEFAULT_WORK_POSITION).
constexpr const char* kDefaultBotPosition = "Chat bot";

enum class RegisterStatus { kCreated, kExisting, kLimitReached };
struct RegisterResult {
  RegisterStatus status = RegisterStatus::kCreated;
  int64_t bot_id = 0;
};

// Creates the bot (user `bot_rest_<code>_<5 random>`, external_auth_id "bot") and subscribes
// its handlers. A CODE that exists already returns that bot (re-binding the caller's handlers
// when the caller owns it) and counts as no new bot. `max_bots` > 0 limits the bots per owner.
RegisterResult register_bot(Tx& tx, const BotRegistration& r, int max_bots);

// What imbot.update changes; nullopt/empty = unchanged.
struct BotUpdate {
  std::optional<std::string> code, type;
  std::optional<bool> openline;
  BotProfile profile;
  BotHandlers handlers;
};
// false when the new CODE belongs to another bot (nothing is written then).
bool update_bot(Conn& w, const Bot& bot, const BotUpdate& u);

// ONIMBOTDELETE, then the bot's commands and chat apps, its private chats and their messages, its
// memberships, its user and its row go. An application's bot subscriptions go with its last bot.
// false when the bot was gone already (nothing written).
bool unregister_bot(Tx& tx, const Bot& bot, const Cause& cause);
// Every bot of an application (imhub app uninstall), each with its ONIMBOTDELETE.
void unregister_app_bots(Tx& tx, int64_t app_id, const Cause& cause);

}  // namespace imhub
