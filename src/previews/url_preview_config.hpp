// [url_preview]: fetching link previews of messages.
#pragma once

#include "core/config.hpp"
#include "core/config_schema.hpp"

namespace imhub {

void describe_url_preview_config(ConfigSchema& schema, Config& c);

}  // namespace imhub
