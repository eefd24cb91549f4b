// [store]: durability and the read pool of the embedded store, and where the store is.
#pragma once

#include <string>

#include "core/config.hpp"
#include "core/config_schema.hpp"

namespace imhub {

// Where the store is: like --data, a place rather than a tunable, so it travels beside Config
// (serve(), open_store()) instead of inside it. `[store] url` and the command line's --store.
struct StoreLocation {
  std::string url;             // a PostgreSQL store, "postgresql://…"; empty: SQLite in the data directory
  int writer_connections = 1;  // PostgreSQL only (docs/postgresql.md "Writers")
  // [files] dir: where file blobs (files/) and avatars (avatars/) live; "" means the data
  // directory. The nodes of one PostgreSQL store name one shared directory here.
  std::string files_dir;
};

void describe_store_config(ConfigSchema& schema, Config& c, StoreLocation& where);

}  // namespace imhub
