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
  std::string owner;   // "app:<id>" or "custom<CLIENT_ID>" (§9.5)
  std::string handler_message_add;
  std::string handler_message_update;  // kept only for S and O bots and OPENLINE=Y (§9.1)
  std::string handler_message_delete;
  std::string handler_welcome;     // ONIMBOTJOINCHAT
  std::string handler_bot_delete;  // ONIMBOTDELETE
  int64_t created_at = 0;
};

// The owner key of a caller's application: "app:<id>" for OAuth, "custom<CLIENT_ID>" otherwise.
std::string bot_owner_for_app(int64_t app_id);
std::string bot_owner_for_client(const std::string& client_id);

std::optional<Bot> find_bot(Conn& c, int64_t id);
std::optional<Bot> find_bot_by_code(Conn& c, const std::string& code);
// Bots of one owner, oldest first (the "first bot of the application" is the front).
std::vector<Bot> bots_of_owner(Conn& c, const std::string& owner);
std::vector<Bot> all_bots(Conn& c);

}  // namespace imhub
