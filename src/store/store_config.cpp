#include "store/store_config.hpp"

#include "store/postgres/pg_store.hpp"

namespace imhub {

void describe_store_config(ConfigSchema& schema, Config& c, StoreLocation& where) {
  schema.section("store")
      .text("synchronous", c.store_synchronous)
      .integer("read_connections", c.store_read_connections, 1, 256)
      .integer("min_free_bytes", c.store_min_free_bytes, 0, int64_t{1} << 50)
      .integer("recent_cache_mb", c.store_recent_cache_mb, 0, int64_t{1} << 20)
      .text("url", where.url)
      .integer("writer_connections", where.writer_connections, 1, 64)
      .rule([&c, &where] {
        if (c.store_synchronous != "full" && c.store_synchronous != "normal")
          config_fail("store.synchronous", "expected \"full\" or \"normal\"");
        if (!where.url.empty() && !is_postgres_url(where.url))
          config_fail("store.url", "expected a PostgreSQL URL (postgresql://…) or nothing");
      });
}

}  // namespace imhub
