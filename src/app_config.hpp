// The configuration file: every subsystem's sections (core/config_schema.hpp) put together.
// An unknown key or a bad value stops start-up with a ConfigError naming it.
#pragma once

#include <string>

#include "core/config.hpp"
#include "core/config_schema.hpp"
#include "store/store_config.hpp"

namespace imhub {

// Describes every section of `c` and `where` into `schema`; the setters and rules keep a reference
// to both. Without `where`, the store's location keys are accepted and dropped.
void describe_config(ConfigSchema& schema, Config& c, StoreLocation& where);
void describe_config(ConfigSchema& schema, Config& c);
// Reads `path` over the defaults (the rules run in validate_config, after command-line overrides);
// `[store] url` and `writer_connections` go to `where` when given.
Config load_config(const std::string& path, StoreLocation* where = nullptr);
// Runs every section's rules; fills in derived values such as the default public URL.
void validate_config(Config& c, StoreLocation where = {});

}  // namespace imhub
