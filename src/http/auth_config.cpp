#include "http/auth_config.hpp"

namespace imhub {

void describe_auth_config(ConfigSchema& schema, Config& c) {
  const int64_t ten_years = int64_t{3650} * 86400;
  schema.section("auth")
      .integer("session_idle_timeout", c.auth_session_idle_timeout, 1, ten_years)
      .integer("session_lifetime", c.auth_session_lifetime, 1, ten_years)
      .integer("login_failures_per_user", c.auth_login_failures_per_user, 1, 1000000)
      .integer("login_failures_per_address", c.auth_login_failures_per_address, 1, 1000000)
      .integer("login_window", c.auth_login_window, 1, 86400);
  schema.section("livechat")
      .integer("auth_failures", c.livechat_auth_failures, 1, 1000000)
      .integer("block_seconds", c.livechat_block_seconds, 1, 86400)
      .integer("registers_per_minute", c.livechat_registers_per_minute, 1, 1000000)
      .integer("messages_per_minute", c.livechat_messages_per_minute, 1, 1000000);
}

}  // namespace imhub
