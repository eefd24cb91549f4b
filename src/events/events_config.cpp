#include "events/events_config.hpp"

namespace imhub {

void describe_events_config(ConfigSchema& schema, Config& c) {
  schema.section("events")
      .flag("enabled", c.events_enabled)
      .integer("concurrency", c.events_concurrency, 1, 100000)
      .integer("per_handler_concurrency", c.events_per_handler_concurrency, 1, 100000)
      .number("connect_timeout", c.events_connect_timeout, 0.01)
      .number("timeout", c.events_timeout, 0.01)
      .integer("max_response_bytes", c.events_max_response_bytes, 0, int64_t{1} << 30)
      .number("retry_base", c.events_retry_base, 0.001)
      .number("retry_max", c.events_retry_max, 0.001)
      .integer("expire_after", c.events_expire_after, 1, int64_t{3650} * 86400)
      .number("drain_timeout", c.events_drain_timeout, 0)
      .flag("signature", c.events_signature)
      .flag("delivery_id_header", c.events_delivery_id_header)
      .text("user_agent", c.events_user_agent)
      .flag("allow_private", c.events_allow_private)
      .integer("log_per_handler", c.events_log_per_handler, 0, 100000)
      .integer("log_request_bytes", c.events_log_request_bytes, 0, 1024 * 1024)
      .rule([&c] {
        if (c.events_retry_max < c.events_retry_base)
          config_fail("events.retry_max", "must be at least events.retry_base");
      });
}

}  // namespace imhub
