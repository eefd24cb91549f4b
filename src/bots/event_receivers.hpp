// Everyone events are delivered to — local applications and chatbots — with each handler URL they
// registered and how its deliveries stand: what the developer console lists (issue 13,
// imhub.console.handlers), the per-receiver view of `imhub events status`.
//
// It lives in bots/ because that is the one domain layer that sees applications, bots and the
// outbox. Delivery state is kept per (application, handler URL) — the outbox's own key — so an
// application and its bots that share a URL show the same numbers, and two webhook bots that share
// one do too.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/event_admin.hpp"
#include "store/store.hpp"

namespace imhub {

struct ReceiverHandler {
  std::string handler;              // the URL
  std::vector<std::string> events;  // what it is registered for (ONIMBOTMESSAGEADD …); sorted
  HandlerBacklog state;             // pending, failed, last error, next attempt (zero when idle)
};

struct EventReceiver {
  enum class Kind {
    kApp,  // a local application: its install handler and its online event.bind subscriptions
    kBot,  // a chatbot: the handlers of imbot.register (and of its commands for a webhook bot)
    // A handler URL with pending or failed events that no application or bot names any more (a
    // removed bot's ONIMBOTDELETE, an unbound subscription): one per (application, URL).
    kHandler,
  };
  Kind kind = Kind::kApp;
  int64_t id = 0;      // application id or bot id (= its user id); 0 for kHandler
  int64_t app_id = 0;  // the application whose events these are; 0 for a webhook bot
  std::string code;    // an application's CLIENT_ID, a bot's CODE
  std::string name;
  int64_t owner_user_id = 0;              // who installed the application / whose webhook registered the bot
  std::string client_id;                  // an application's, its bot's application's, or a webhook bot's CLIENT_ID
  bool active = true;                     // an application: installed and active
  std::vector<ReceiverHandler> handlers;  // by URL
};

// Applications by id, then bots by id, then the handlers nobody names. Reads every application,
// bot and subscription: an administrator's view, not a request-path call.
std::vector<EventReceiver> event_receivers(Conn& c);

// The handler URLs a bot's events go to (all five of imbot.register that are set, and its
// commands' for a webhook bot); empty when the bot does not exist.
std::vector<std::string> bot_handler_urls(Conn& c, int64_t bot_id);

}  // namespace imhub
