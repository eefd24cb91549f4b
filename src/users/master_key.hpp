// Where the portal's master key is kept, by store: DATA/imhub.key beside an SQLite store (as it
// always was), the `portal_secrets` table of a shared (PostgreSQL) store, which every node reads,
// so a node needs nothing in its data directory (docs/postgresql.md "Shared node state").
#pragma once

#include <string>

#include "store/store.hpp"

namespace imhub {

// A shared store's master key: the `portal_secrets` row `master_key`. When the row is absent, a
// key that an earlier version left in DATA/imhub.key is adopted (written to the row, so the tokens
// it signed stay valid); else, with `create` (`imhub init`), a new one is made. Two nodes racing
// both end up with the row's one key. Without `create` and with neither, throws StoreError.
std::string load_shared_master_key(Store& store, const std::string& data_dir, bool create);

// The master key wherever the store keeps it: in the store when `shared`, else DATA/imhub.key
// (users/portal.hpp load_or_create_master_key).
std::string load_master_key(Store& store, const std::string& data_dir, bool shared, bool create);

// Writes `key` to DATA/imhub.key (mode 0600, replacing one there, durably): `store restore`.
void save_master_key_file(const std::string& data_dir, const std::string& key);

}  // namespace imhub
