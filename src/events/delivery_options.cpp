#include "events/delivery_options.hpp"

namespace imhub {

DeliveryOptions delivery_options(const Config& c) {
  DeliveryOptions o;
  o.concurrency = c.events_concurrency;
  o.per_handler_concurrency = c.events_per_handler_concurrency;
  o.connect_timeout_ms = static_cast<int64_t>(c.events_connect_timeout * 1000);
  o.timeout_ms = static_cast<int64_t>(c.events_timeout * 1000);
  o.max_response_bytes = c.events_max_response_bytes;
  o.retry_base_seconds = c.events_retry_base;
  o.retry_max_seconds = c.events_retry_max;
  o.expire_after_seconds = c.events_expire_after;
  o.drain_timeout_ms = static_cast<int64_t>(c.events_drain_timeout * 1000);
  o.signature = c.events_signature;
  o.delivery_id_header = c.events_delivery_id_header;
  o.user_agent = c.events_user_agent;
  o.allow_private = c.events_allow_private;
  o.log_per_handler = c.events_log_per_handler;
  o.log_request_bytes = static_cast<size_t>(c.events_log_request_bytes);
  return o;
}

}  // namespace imhub
