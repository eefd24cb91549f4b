#include "bots/bots_config.hpp"

namespace imhub {

void describe_bots_config(ConfigSchema& schema, Config& c) {
  schema.section("bots").integer("max_per_app", c.bots_max_per_app, 0, 1000000);
  schema.section("chat_apps").flag("allow_http_iframe", c.chat_apps_allow_http_iframe);
  schema.section("giphy")
      .text("base_url", c.giphy_base_url)
      .text("api_key", c.giphy_api_key)
      .integer("connect_timeout", c.giphy_connect_timeout, 1, 600)
      .integer("timeout", c.giphy_timeout, 1, 600)
      .text("rating", c.giphy_rating)
      .rule([&c] {
        if (c.giphy_base_url.rfind("http://", 0) != 0 && c.giphy_base_url.rfind("https://", 0) != 0)
          config_fail("giphy.base_url", "expected an http:// or https:// URL");
        while (!c.giphy_base_url.empty() && c.giphy_base_url.back() == '/') c.giphy_base_url.pop_back();
      });
}

}  // namespace imhub
