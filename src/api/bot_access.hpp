// Who owns a bot, as every imbot.* method checks it (protocol.md §9.5, im_rest.php): an OAuth
// application owns the bots it registered; a call through an inbound webhook names its owner with
// CLIENT_ID, which must be repeated on every later call, and only the user whose webhook
// registered the bot may use it (another user with the same CLIENT_ID is another owner and gets
// APP_ID_ERROR / BOT_ID_ERROR). Shared by every imbot.* adapter.
#pragma once

#include <optional>
#include <string>

#include "api/registry.hpp"
#include "bots/bot.hpp"
#include "core/error.hpp"

namespace imhub {

// The owner key of the calling application: "app:<id>" for an OAuth token,
// "user:<user id>:custom<CLIENT_ID>" for a webhook call with CLIENT_ID. Throws ACCESS_DENIED when a webhook call has no
// CLIENT_ID and WRONG_AUTH_TYPE for a browser session.
std::string caller_bot_owner(const MethodCall& call);

// The bot a call acts as: BOT_ID when given (BOT_ID_ERROR when unknown, APP_ID_ERROR when another
// application owns it), otherwise the caller's first bot (BOT_ID_ERROR when it has none).
Bot acting_bot(Conn& c, const MethodCall& call);

}  // namespace imhub
