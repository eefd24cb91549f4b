#include "previews/url_preview_config.hpp"

namespace imhub {

void describe_url_preview_config(ConfigSchema& schema, Config& c) {
  schema.section("url_preview")
      .flag("enabled", c.url_preview_enabled)
      .flag("allow_private", c.url_preview_allow_private)
      .integer("connect_timeout", c.url_preview_connect_timeout, 1, 600)
      .integer("timeout", c.url_preview_timeout, 1, 600)
      .integer("max_bytes", c.url_preview_max_bytes, 1024, int64_t{64} << 20)
      .integer("max_redirects", c.url_preview_max_redirects, 0, 20)
      .integer("cache_seconds", c.url_preview_cache_seconds, 0, int64_t{365} * 86400)
      .integer("workers", c.url_preview_workers, 1, 64);
}

}  // namespace imhub
