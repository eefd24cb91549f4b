// A chatbot as the store keeps it (migration 14; protocol.md §9). The bot is also a user (its id
// is the user id, external_auth_id "bot"); this row holds what makes it a bot: its code, type,
// owner application and the five event handlers of imbot.register.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace imhub {

struct Bot {
  int64_t id = 0;  // = user id
  std::string code;
  std::string type = "B";  // B bot, H human, O open lines, S supervisor
  bool openline = false;
  int64_t app_id = 0;  // OAuth application; 0 for a webhook-registered bot
  // "app:<id>", or "user:<user id>:custom<CLIENT_ID>" for a webhook bot: the user whose webhook
  // registered it, and the CLIENT_ID it gave (§9.5, migration 18). Another user presenting the
  // same CLIENT_ID has another owner key, so it cannot act as the bot.
  std::string owner;
  std::string handler_message_add;
  std::string handler_message_update;  // kept only for S and O bots and OPENLINE=Y (§9.1)
  std::string handler_message_delete;
  std::string handler_welcome;     // ONIMBOTJOINCHAT
  std::string handler_bot_delete;  // ONIMBOTDELETE
  int64_t created_at = 0;
  std::string color;  // PROPERTIES.COLOR: a chat colour name ("MINT"), "" = the user's default (migration 16)

  // Registered through an inbound webhook with CLIENT_ID: no application row, events go straight
  // to the handler URLs of this row (protocol.md §9.5).
  bool webhook_bot() const { return app_id == 0; }
  // The raw CLIENT_ID of a webhook bot ("" for an application's bot).
  std::string client_id() const;
  // What Bitrix24 stores as the bot's APP_ID for a webhook bot: "custom<CLIENT_ID>" ("" for an
  // application's bot). Shown only to the bot's owner (im/im_user.cpp).
  std::string platform_app_id() const;
  // The user whose webhook registered a webhook bot; 0 for an application's bot.
  int64_t owner_user_id() const;
  // Sees every message of the group chats it is in (TYPE S).
  bool supervisor() const { return type == "S"; }
};

// The owner key of a caller's application: "app:<id>" for OAuth; for a webhook call the calling
// user and its CLIENT_ID: "user:<user id>:custom<CLIENT_ID>".
std::string bot_owner_for_app(int64_t app_id);
std::string bot_owner_for_client(int64_t user_id, const std::string& client_id);

std::optional<Bot> find_bot(Conn& c, int64_t id);
std::optional<Bot> find_bot_by_code(Conn& c, const std::string& code);
// Bots of one owner, oldest first (the "first bot of the application" is the front).
std::vector<Bot> bots_of_owner(Conn& c, const std::string& owner);
std::vector<Bot> all_bots(Conn& c);
// The registered bots among the members of a chat, in id order. Costs one primary-key probe per
// registered bot, so it stays cheap for large chats.
std::vector<Bot> member_bots(Conn& c, int64_t chat_id);

}  // namespace imhub
