// [bots], [chat_apps] and [giphy]: limits of the bot platform and the Giphy gateway.
#pragma once

#include "core/config.hpp"
#include "core/config_schema.hpp"

namespace imhub {

void describe_bots_config(ConfigSchema& schema, Config& c);

}  // namespace imhub
