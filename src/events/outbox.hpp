// The outbox: events recorded in the same write transaction as the change that causes them
// (design.md "Events and bots"), delivered after commit by the delivery worker. Domain code
// (apps, bots, chats) only ever calls enqueue_event(); it never talks HTTP.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "store/store.hpp"

namespace imhub {

// A place inside `data` where the worker puts a freshly minted token map of `user_id`
// (plus an `AUTH` copy of it) at delivery time: data[BOT][<bot id>], data[COMMAND][<command id>]
// (protocol.md §9.3). Tokens are minted when the event leaves, so a late delivery still carries
// a live token.
struct TokenSlot {
  std::vector<std::string> path;  // e.g. {"BOT", "17"}
  int64_t user_id = 0;
};

struct OutboxEvent {
  int64_t app_id = 0;             // receiving application; 0 for a webhook-registered bot
  std::string handler;            // URL the event is POSTed to
  std::string event;              // upper case: ONAPPINSTALL, ONIMBOTMESSAGEADD …
  int64_t event_handler_id = 0;   // the subscription row (event_handler_id on the wire)
  Value data;                     // the event's `data`
  int64_t auth_user_id = 0;       // whose token goes into the top-level `auth`; 0: no tokens
  bool send_refresh_token = false;
  std::string application_token;  // set only for webhook-registered bots (their raw CLIENT_ID)
  std::vector<TokenSlot> token_slots;
  // Events with the same key reach their handler in the order they were enqueued ("chat:12");
  // empty: ordered per handler only.
  std::string order_key;
  int event_ttl = 0;  // hop budget for loop protection (protocol.md §6.3)
};

// Records `e` inside the caller's write transaction; the worker is woken after the commit.
void enqueue_event(Conn& w, const OutboxEvent& e);

}  // namespace imhub
