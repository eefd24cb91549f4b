// [push]: the realtime Push & Pull server.
#pragma once

#include "core/config.hpp"
#include "core/config_schema.hpp"

namespace imhub {

void describe_push_config(ConfigSchema& schema, Config& c);

}  // namespace imhub
