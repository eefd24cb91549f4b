// What `imhub events status|failed|retry` and the developer console (imhub.console.*) read and
// change: the backlog of the outbox per handler, the failed list, and the replay of failed events.
// Both call these functions, so the CLI and the console cannot disagree.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "events/delivery_filter.hpp"
#include "store/store.hpp"

namespace imhub {

struct HandlerBacklog {
  int64_t app_id = 0;
  std::string handler;
  int64_t pending = 0;            // rows in the outbox
  int64_t oldest_created_ms = 0;  // 0 when nothing is pending
  int64_t max_attempts = 0;       // failed attempts of its most-tried pending row
  int64_t next_attempt_ms = 0;    // earliest scheduled attempt of a lane's head (what really goes next)
  std::string last_error;         // of its newest failed attempt still pending, else of its newest failed event
  int64_t last_error_ms = 0;      // when that attempt was made (0: unknown, or no error)
  int64_t failed = 0;             // rows in the failed list
};

struct EventsStatus {
  int64_t pending = 0;
  int64_t failed = 0;
  int64_t oldest_created_ms = 0;
  std::vector<HandlerBacklog> handlers;  // by app id, then handler URL
};

EventsStatus events_status(Conn& c);

struct FailedEvent {
  int64_t id = 0;  // the outbox row id it had; `events retry` takes it
  int64_t app_id = 0;
  std::string handler;
  std::string event;
  int64_t event_handler_id = 0;
  std::string order_key;
  int64_t attempts = 0;
  int64_t created_ms = 0;
  int64_t failed_ms = 0;
  std::string last_error;
  std::string delivery_id;
};

// Oldest first, at most `limit`, after skipping `offset`; only those `filter` matches.
std::vector<FailedEvent> failed_events(Conn& c, int64_t limit, const DeliveryFilter& filter = {}, int64_t offset = 0);
// How many failed events `filter` matches.
int64_t count_failed(Conn& c, const DeliveryFilter& filter = {});

struct RetryResult {
  std::vector<int64_t> retried;    // failed-list ids put back
  std::vector<int64_t> not_found;  // asked for but not in the failed list
};

// Puts failed events back into the outbox (all of them, or `ids`) in their original order, as
// new rows due now with a fresh expiry window. They keep their delivery id, so a handler that
// deduplicates on X-Imhub-Delivery-Id recognises an event it did process.
RetryResult retry_failed(Conn& c, const std::vector<int64_t>& ids, bool all, int64_t now_ms);
// The same for every failed event `filter` matches (all of them for an empty filter): one
// handler's, one application's.
RetryResult retry_failed(Conn& c, const DeliveryFilter& filter, int64_t now_ms);

}  // namespace imhub
