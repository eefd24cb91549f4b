// The configuration file: every subsystem's sections (core/config_schema.hpp) put together.
// An unknown key or a bad value stops start-up with a ConfigError naming it.
#pragma once

#include <string>

#include "core/config.hpp"
#include "core/config_schema.hpp"

namespace imhub {

// Describes every section of `c` into `schema`; the setters and rules keep a reference to `c`.
void describe_config(ConfigSchema& schema, Config& c);
// Reads `path` over the defaults (the rules run in validate_config, after command-line overrides).
Config load_config(const std::string& path);
// Runs every section's rules; fills in derived values such as the default public URL.
void validate_config(Config& c);

}  // namespace imhub
