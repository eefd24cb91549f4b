// The delivery log (issue 11): the last deliveries of each handler — when, which event, the
// outcome, the HTTP status, how long it took, the first bytes of the answer and the error — so a
// bot developer can see what was sent and what the handler said. The delivery worker appends
// through its recorder (one write per batch, the table kept at `[events] log_per_handler` rows per
// handler); `imhub events log` reads it with read_delivery_log(), the web client's developer
// console (imhub.console.deliveries) with delivery_log_page(). Each row also keeps the request as
// it was sent, with its credentials redacted (events/request_redaction.hpp): no token is ever
// written here.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "events/delivery_filter.hpp"
#include "store/store.hpp"

namespace imhub {

struct DeliveryLogEntry {
  int64_t id = 0;  // assigned by the store; grows with time
  int64_t at_ms = 0;
  int64_t app_id = 0;  // 0: a webhook-registered bot
  std::string handler;
  std::string event;
  int64_t outbox_id = 0;
  std::string delivery_id;
  int attempt = 1;
  // delivered, http_error, timeout, connect_error, too_large, refused, other
  std::string outcome;
  int64_t status = 0;  // HTTP status; 0 when there was no answer
  int64_t duration_ms = 0;
  std::string answer;  // first bytes of the answer body, valid UTF-8
  std::string error;
  // The form body as sent, credentials redacted, cut to `[events] log_request_bytes` ("" when
  // that is 0); `request_bytes` is the size of the redacted body before the cut, so the request
  // was cut when it is larger than request.size().
  std::string request;
  int64_t request_bytes = 0;
};

// Appends `entries` (oldest first) and trims each handler they name to its newest `keep` rows.
// Of a batch larger than `keep` for one handler only the newest `keep` are written.
void append_delivery_log(Conn& w, std::vector<DeliveryLogEntry> entries, int keep);

// The two halves of append_delivery_log, for a caller that trims in a unit of its own (the
// delivery recorder: on a shared PostgreSQL two nodes trim the same handler's rows, and a trim
// that waits for the other node's must not hold up, or run again, the settlement it came with).
// insert_delivery_log returns the handlers written to.
std::vector<std::string> insert_delivery_log(Conn& w, const std::vector<DeliveryLogEntry>& entries, int keep);
void trim_delivery_log(Conn& w, const std::vector<std::string>& handlers, int keep);

struct DeliveryLogQuery {
  std::optional<int64_t> app_id;  // only this application's handlers (0: webhook bots)
  std::string handler;            // only this handler URL ("" = any)
  int64_t after_id = 0;           // only rows newer than this (for following)
  int64_t limit = 100;            // the newest `limit` rows that match
};

// Matching rows, oldest first.
std::vector<DeliveryLogEntry> read_delivery_log(Conn& c, const DeliveryLogQuery& q);

struct DeliveryLogPage {
  std::vector<DeliveryLogEntry> entries;  // newest first
  int64_t total = 0;                      // rows that match, on every page
};

// The rows `filter` matches, newest first, `limit` of them after skipping `offset`.
DeliveryLogPage delivery_log_page(Conn& c, const DeliveryFilter& filter, int64_t offset, int64_t limit);

// The log entry's request: `sent` redacted and cut to `max_bytes` (0: only its size is kept); the
// secrets it carried are scrubbed from the entry's answer and error either way (a handler may
// echo what it got). The recorder
// calls it off the worker's and the writer's threads.
void keep_request(DeliveryLogEntry& e, std::string_view sent, size_t max_bytes);

// `bytes` cut to at most `max` bytes of valid UTF-8 (a split character dropped, other invalid
// bytes replaced by '?'), for storing an answer of any encoding.
std::string answer_excerpt(std::string_view bytes, size_t max);

}  // namespace imhub
