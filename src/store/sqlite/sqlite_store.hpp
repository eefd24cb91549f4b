// SQLite backend of Store: WAL mode, one writer thread with group commit, a pool of readers.
#pragma once

#include <memory>
#include <string>

#include "store/store.hpp"

namespace imhub {

struct SqliteOptions {
  std::string path;              // database file
  bool synchronous_full = true;  // FULL: durable against power loss; NORMAL: against process crash
  int read_connections = 8;
  int busy_timeout_ms = 10000;  // other processes (the CLI) may hold the write lock briefly
  int max_group = 256;          // units per group commit
  // Apply migrations only up to this version (0 = all). Tests use it to start from an older schema.
  int migrate_to = 0;
};

std::unique_ptr<Store> open_sqlite_store(const SqliteOptions& options);

}  // namespace imhub
