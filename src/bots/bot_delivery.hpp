// Where bot events go (protocol.md §9.2–§9.5): the one place that turns "event E for these bots"
// into outbox rows, inside the write transaction of the change that causes it.
//
// - A bot of an OAuth application: through the application's event bindings (imbot.register
//   binds the five handlers), so offline bindings, ONOFFLINEEVENT and uninstalled applications
//   are handled by apps/event_route. Each bot gets a token slot: the delivery worker puts the
//   bot's token map and an AUTH copy into data[BOT][<id>] (or data[COMMAND][<id>]).
// - A bot registered through an inbound webhook (CLIENT_ID): straight to the handler URL of its
//   row, application 0, `auth.application_token` = the CLIENT_ID, no tokens.
//
// Bots of one application share one delivery per handler; different applications get separate
// deliveries, and each sees only its own bots.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "bots/bot.hpp"
#include "core/value.hpp"
#include "im/change_feed.hpp"
#include "store/store.hpp"

namespace imhub {

// One bot an event is for.
struct BotTarget {
  Bot bot;
  std::string key;  // its key in the slot map: the bot id, or the command id for ONIMCOMMANDADD
  Value entry;      // what the entry holds besides the tokens: BOT_ID, BOT_CODE, COMMAND …
  // Webhook bots: the URL the event goes to ("" = the bot has no handler for it: not sent). For
  // an application's ONIMCOMMANDADD, the command's own handler, used when the application has
  // no binding of the event.
  std::string handler;
};

struct BotEvent {
  std::string event;         // ONIMBOTMESSAGEADD …
  std::string slot = "BOT";  // "BOT" or "COMMAND"; "" = data is `data` as is (ONIMBOTDELETE)
  std::vector<BotTarget> targets;
  Value params;  // data[PARAMS]
  Value user;    // data[USER]; left out when empty
  Value data;    // the whole `data` when `slot` is ""
  std::string order_key;
};

// Records the deliveries of `e`; returns the number of outbox rows written.
int send_bot_event(Conn& w, const BotEvent& e, const Cause& cause);

// The handler URL of a webhook bot's row for `event` ("" when it has none).
const std::string& bot_handler_for(const Bot& bot, const std::string& event);

}  // namespace imhub
