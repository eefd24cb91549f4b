// [limits], [rate_limit] and [operating_limit]: what one request may carry and cost.
#pragma once

#include "core/config.hpp"
#include "core/config_schema.hpp"

namespace imhub {

void describe_rest_config(ConfigSchema& schema, Config& c);

}  // namespace imhub
