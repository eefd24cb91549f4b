// `imhub store migrate`: copies an SQLite store, table by table, into an empty PostgreSQL store of
// the same schema version, ids kept, and proves the copy (row counts and checksums per table).
//
// Streaming: each table is read in batches by rowid and each batch is written as one write unit
// together with the table's progress row in the target (`store_migrate_progress`), so memory
// stays flat whatever the size and a run that stops anywhere is resumed by running it again: it
// continues after the last batch that committed. When every table is copied and verified, the
// identity sequences are moved past the highest id each table ever handed out (SQLite's
// sqlite_sequence included, so no id is reused), the final hook runs (the CLI copies files
// there), the master key is written and the progress table dropped, in that order: a target
// without a progress table and with rows is a finished migration, never a half one.
#pragma once

#include <cstdint>
#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace imhub {

// The target holds data that is not a migration of this source: nothing was written.
struct MigrateRefused : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct MigrateOptions {
  int64_t batch_rows = 5000;  // rows read and committed per write unit
  std::string master_key;     // written to the target's portal_secrets at the end
  // Runs after every table is copied and verified, before the migration is marked finished.
  std::function<void()> before_finish;
  // Called after each committed batch (table, rows of it copied so far).
  std::function<void(const std::string&, int64_t)> on_batch;
};

struct TableCopy {
  std::string table;
  int64_t rows = 0;
  uint64_t checksum = 0;  // order-independent: the sum of each row's SHA-256 prefix
  bool verified = false;  // the target's count and checksum equal the source's, read again at the end
};

struct MigrateReport {
  bool resumed = false;       // a progress table was found and continued
  int64_t rows_copied = 0;    // by this run
  int64_t sequences_set = 0;  // identity sequences moved past their table's ids
  std::vector<TableCopy> tables;
};

// `from` is an SQLite store no server uses (the caller holds its data directory's lock); `to` a
// PostgreSQL store. Throws MigrateRefused for a non-empty target or another source's progress,
// StoreError when the schemas differ, a value does not fit, or verification fails.
MigrateReport migrate_store(Store& from, Store& to, const MigrateOptions& options);

}  // namespace imhub
