// PostgreSQL backend of Store (libpq): a pool of read connections, a few writer connections that
// each commit waiting units together in one transaction (a SAVEPOINT per unit, so a failing unit
// rolls back only itself), synchronous_commit on so a unit is answered only once its commit is
// durable, and table epochs shared by every node on the database (pg_epochs.hpp).
// docs/postgresql.md says what is portable yet and what is not.
#pragma once

#include <memory>
#include <string>

#include "store/store.hpp"

namespace imhub {

struct PgOptions {
  std::string url;  // libpq connection URI, "postgresql://user@host:port/db?…"
  int read_connections = 8;
  // Connections running write transactions. More than one lets commits overlap, but the domain's
  // units were written for SQLite's single writer (docs/postgresql.md "Writers"): 1 until they
  // are audited.
  int writer_connections = 1;
  int max_group = 256;  // units per transaction
  // Apply migrations only up to this version (0 = all). Tests use it to start from an older schema.
  int migrate_to = 0;
};

// True for the URLs open_postgres_store takes ("postgresql://…", "postgres://…").
bool is_postgres_url(std::string_view url);

// Connects, migrates (one node at a time: an advisory lock) and starts the writers.
std::unique_ptr<Store> open_postgres_store(const PgOptions& options);

}  // namespace imhub
