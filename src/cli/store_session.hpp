// Opens the store of an initialised data directory for one CLI command and closes it after.
#pragma once

#include <memory>
#include <string>

#include "store/store.hpp"
#include "store/store_config.hpp"

namespace imhub {

// Where a CLI command's store is: the command line's --store (SQLite in --data without it).
StoreLocation cli_store_location();

// The master key of an initialised portal: DATA/imhub.key, or the database's with --store.
std::string cli_master_key(Store& store, const std::string& data);

// The store of `data` (main() has checked that it exists), with the portal in place.
std::unique_ptr<Store> open_cli_store(const std::string& data);

}  // namespace imhub
