// [server], [tls] and [metrics]: the listeners, their limits and the public address.
#pragma once

#include "core/config.hpp"
#include "core/config_schema.hpp"

namespace imhub {

void describe_server_config(ConfigSchema& schema, Config& c);

}  // namespace imhub
