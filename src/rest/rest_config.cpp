#include "rest/rest_config.hpp"

namespace imhub {

void describe_rest_config(ConfigSchema& schema, Config& c) {
  schema.section("limits")
      .integer("max_depth", c.max_depth, 1, 512)
      .integer("max_keys", c.max_keys, 1, 10000000)
      .integer("max_key_bytes", c.max_key_bytes, 16, 1 << 20);
  schema.section("rate_limit")
      .flag("enabled", c.rate_limit_enabled)
      .number("rate", c.rate_limit_rate, 0.001)
      .number("burst", c.rate_limit_burst, 1);
  schema.section("operating_limit")
      .flag("enabled", c.operating_limit_enabled)
      .number("seconds", c.operating_limit_seconds, 0.001)
      .number("record_threshold", c.operating_limit_record_threshold, 0);
}

}  // namespace imhub
