// `imhub store backup` / `store restore` for the SQLite store: one self-contained file made with
// SQLite's online backup API, consistent while a server writes (the copy is one read transaction,
// which in WAL mode blocks no writer), carrying the portal's master key in its `portal_secrets`
// table so the one file restores a working portal. File blobs are not in it (docs/operations.md).
#pragma once

#include <string>

namespace imhub {

// Copies the database at `db_path` into the new file `to` (written as `to`.tmp, checked with
// `PRAGMA integrity_check`, fsynced, then renamed), with `master_key` stored in the copy. Returns
// the size of the file. Throws StoreError; an existing `to` is refused.
int64_t backup_sqlite(const std::string& db_path, const std::string& to, const std::string& master_key);

// Checks that `from` is an intact imhub backup (integrity, a portal row), then replaces the
// database at `db_path` with it (its WAL and shared-memory files removed first, the new file
// renamed into place and its directory fsynced). The caller holds the data directory's lock.
// Returns the master key the backup carries ("" for a backup made without one), which is taken
// out of the restored database: the SQLite store keeps its key in DATA/imhub.key.
std::string restore_sqlite(const std::string& from, const std::string& db_path);

// Whether `db_path` holds an initialised imhub store (a portal row); false when it is absent.
bool sqlite_store_initialised(const std::string& db_path);

}  // namespace imhub
