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
  // The WAL size past which a writer that never pauses waits once for the WAL to start over
  // (SqliteStore::restart_wal_if_long). Each restart stalls every write for a checkpoint's last
  // pass, which grows with the database file: 256 MB restarts a quarter as often as 64 MB did and
  // halved the p99 of a message flood on stores of 50–90 MB. The file stays at its high-water mark.
  int wal_restart_mb = 256;
  // Apply migrations only up to this version (0 = all). Tests use it to start from an older schema.
  int migrate_to = 0;
};

std::unique_ptr<Store> open_sqlite_store(const SqliteOptions& options);

}  // namespace imhub
