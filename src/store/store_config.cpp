#include "store/store_config.hpp"

namespace imhub {

void describe_store_config(ConfigSchema& schema, Config& c) {
  schema.section("store")
      .text("synchronous", c.store_synchronous)
      .integer("read_connections", c.store_read_connections, 1, 256)
      .integer("min_free_bytes", c.store_min_free_bytes, 0, int64_t{1} << 50)
      .integer("recent_cache_mb", c.store_recent_cache_mb, 0, int64_t{1} << 20)
      .rule([&c] {
        if (c.store_synchronous != "full" && c.store_synchronous != "normal")
          config_fail("store.synchronous", "expected \"full\" or \"normal\"");
      });
}

}  // namespace imhub
