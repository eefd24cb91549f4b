// Opens the store of an initialised data directory for one CLI command and closes it after.
#pragma once

#include <memory>
#include <string>

#include "core/config.hpp"
#include "store/store.hpp"

namespace imhub {

// The configuration a CLI command opens its store with: the defaults and the command line's --store.
Config cli_store_config();

// The store of `data` (main() has checked that it exists), with the portal in place.
std::unique_ptr<Store> open_cli_store(const std::string& data);

}  // namespace imhub
