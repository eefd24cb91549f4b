// [store]: durability and the read pool of the embedded store.
#pragma once

#include "core/config.hpp"
#include "core/config_schema.hpp"

namespace imhub {

void describe_store_config(ConfigSchema& schema, Config& c);

}  // namespace imhub
