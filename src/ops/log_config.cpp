#include "ops/log_config.hpp"

namespace imhub {

void describe_log_config(ConfigSchema& schema, Config& c) {
  schema.section("log").text("level", c.log_level).flag("access_log", c.access_log).rule([&c] {
    static const char* kLevels[] = {"trace", "debug", "info", "warn", "error", "off"};
    bool ok = false;
    for (const char* l : kLevels) ok |= c.log_level == l;
    if (!ok) config_fail("log.level", "expected trace, debug, info, warn, error or off");
  });
}

}  // namespace imhub
