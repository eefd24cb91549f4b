// Tunables of the delivery worker, read from the [events] section of the configuration
// (config/imhub.example.toml documents each with its default).
#pragma once

#include <cstdint>
#include <string>

#include "core/config.hpp"

namespace imhub {

struct DeliveryOptions {
  int concurrency = 128;             // requests in flight across all handlers
  int per_handler_concurrency = 16;  // requests in flight to one handler URL
  int64_t connect_timeout_ms = 5000;
  int64_t timeout_ms = 15000;  // whole request, answer included
  int64_t max_response_bytes = 64 * 1024;
  double retry_base_seconds = 1;   // first retry delay; doubles per failure
  double retry_max_seconds = 300;  // cap of the doubling
  int64_t expire_after_seconds = 86400;
  int64_t drain_timeout_ms = 5000;  // how long a stop waits for requests in flight
  bool signature = false;           // X-Imhub-Signature
  bool delivery_id_header = false;  // X-Imhub-Delivery-Id
  std::string user_agent = "Bitrix24 Webhook Engine";
  bool allow_private = false;       // handlers may be at any address (handler_policy.hpp)
  int log_per_handler = 100;        // delivery log rows kept per handler (delivery_log.hpp)
  size_t log_answer_bytes = 512;    // first bytes of each answer kept in the log
  size_t log_request_bytes = 4096;  // first bytes of each request (redacted) kept in the log
  int64_t epoch_poll_ms = 5;        // how often the outbox's change counter is looked at
  int64_t table_poll_ms = 1000;     // full look for new rows, for writers that bump no counter
  // Several nodes share the outbox (a PostgreSQL store): each row is claimed before it is sent
  // (delivery_claims.hpp). Set by serve, not by the configuration.
  bool claims = false;
  // How long a claim holds: longer than any request can take (timeout_ms, connect included), so
  // only a node that died leaves a claim to expire. 0: connect_timeout_ms + timeout_ms + 10 s.
  int64_t claim_lease_ms = 0;
};

DeliveryOptions delivery_options(const Config& config);

}  // namespace imhub
