// [files]: signed links to files.
#pragma once

#include "core/config.hpp"
#include "core/config_schema.hpp"

namespace imhub {

void describe_files_config(ConfigSchema& schema, Config& c);

}  // namespace imhub
