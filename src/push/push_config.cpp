#include "push/push_config.hpp"

namespace imhub {

void describe_push_config(ConfigSchema& schema, Config& c) {
  schema.section("push")
      .flag("enabled", c.push_enabled)
      .integer("expiry", c.push_expiry, 1, int64_t{30} * 86400)
      .integer("max_per_channel", c.push_max_per_channel, 1, 1000000)
      .integer("ping_interval", c.push_ping_interval, 1, 19)
      .integer("max_frame_bytes", c.push_max_frame_bytes, 1024, int64_t{16} << 20)
      .integer("max_client_messages", c.push_max_client_messages, 1, 100000)
      .integer("send_queue", c.push_send_queue, 1, 1000000);
}

}  // namespace imhub
