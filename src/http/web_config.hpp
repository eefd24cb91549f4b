// [web]: where the browser client's built files are (http/web_client, http/web_routes).
#pragma once

#include "core/config.hpp"
#include "core/config_schema.hpp"

namespace imhub {

void describe_web_config(ConfigSchema& schema, Config& c);

}  // namespace imhub
