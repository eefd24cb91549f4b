// [log]: the log level and the access log.
#pragma once

#include "core/config.hpp"
#include "core/config_schema.hpp"

namespace imhub {

void describe_log_config(ConfigSchema& schema, Config& c);

}  // namespace imhub
