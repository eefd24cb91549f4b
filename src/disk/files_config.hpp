// [files]: signed links to files, and where their bytes live.
#pragma once

#include "core/config.hpp"
#include "core/config_schema.hpp"

namespace imhub {

void describe_files_config(ConfigSchema& schema, Config& c);

// The directory holding files/ and avatars/: [files] dir, else the data directory.
std::string files_root(const Config& c, const std::string& data_dir);

}  // namespace imhub
