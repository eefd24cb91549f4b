// [events]: delivery of events to application and bot handlers.
#pragma once

#include "core/config.hpp"
#include "core/config_schema.hpp"

namespace imhub {

void describe_events_config(ConfigSchema& schema, Config& c);

}  // namespace imhub
