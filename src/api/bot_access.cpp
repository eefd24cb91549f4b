#include "api/bot_access.hpp"
#include "core/error_catalog.hpp"

namespace imhub {

std::string caller_bot_owner(const MethodCall& call) {
  switch (call.caller.kind) {
    case AuthKind::kOAuth:
      // For an application the token decides; a CLIENT_ID parameter is ignored (§9.5).
      return bot_owner_for_app(call.caller.app_id);
    case AuthKind::kSession:
      throw ApiError(errors::kWrongAuthTypeImNotify);
    default: {
      const std::string client_id = call.param("CLIENT_ID").to_string();
      if (client_id.empty()) throw ApiError(errors::kClientIdMissing);
      // Bound to the calling user: the CLIENT_ID alone (which other users could learn) does not
      // make a caller the bot's owner (issue 17).
      return bot_owner_for_client(call.caller.user_id, client_id);
    }
  }
}

Bot acting_bot(Conn& c, const MethodCall& call) {
  const std::string owner = caller_bot_owner(call);
  const int64_t bot_id = call.param("BOT_ID").to_int_or(0);
  if (bot_id <= 0) {
    std::vector<Bot> mine = bots_of_owner(c, owner);
    if (mine.empty()) throw ApiError(errors::kBotNotFound);
    return mine.front();
  }
  auto bot = find_bot(c, bot_id);
  if (!bot) throw ApiError(errors::kBotNotFound);
  if (bot->owner != owner) throw ApiError(errors::kBotOfOtherApp);
  return *bot;
}

}  // namespace imhub
