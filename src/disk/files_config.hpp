// [files]: signed links to files, and where their bytes live.
#pragma once

#include "core/config.hpp"
#include "core/config_schema.hpp"
#include "store/store_config.hpp"

namespace imhub {

void describe_files_config(ConfigSchema& schema, Config& c, StoreLocation& where);

// The directory holding files/ and avatars/: [files] dir, else the data directory.
std::string files_root(const StoreLocation& where, const std::string& data_dir);

// The directory holding files/ and avatars/: [files] dir, else the data directory.
std::string files_root(const Config& c, const std::string& data_dir);

}  // namespace imhub
