// The portal itself: identity (member_id), the master key in the data directory, and the
// first-run set-up that `imhub init` performs.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "store/store.hpp"

namespace imhub {

// Every scope imhub knows; an inbound webhook made by `init` gets all of them.
const std::vector<std::string>& all_scopes();

struct Portal {
  std::string member_id;  // 32 hex characters
  int64_t created_at = 0;
};

Portal load_portal(Conn& c);  // throws StoreError when the store was never initialised
bool portal_exists(Conn& c);

// 32 random bytes kept in DATA/imhub.key (mode 0600), created on first use. Secrets that must
// be reproducible (the init webhook) are derived from it, so no secret is stored in clear.
std::string load_or_create_master_key(const std::string& data_dir);

// Writes `key` to DATA/imhub.key (mode 0600, replacing one there, durably): `store restore`.
void save_master_key_file(const std::string& data_dir, const std::string& key);

// A shared store's (PostgreSQL's) master key: the `portal_secrets` row `master_key`, which every
// node reads, so a node needs nothing in its data directory. When the row is absent, a key that an
// earlier version left in DATA/imhub.key is adopted (written to the row, so the tokens it signed
// stay valid); else, with `create` (`imhub init`), a new one is made. Two nodes racing both end up
// with the row's one key. Without `create` and with neither, throws StoreError (never initialised).
std::string load_shared_master_key(Store& store, const std::string& data_dir, bool create);

// The master key wherever the store keeps it: in the store when `shared`, else DATA/imhub.key.
std::string load_master_key(Store& store, const std::string& data_dir, bool shared, bool create);

struct InitResult {
  int64_t user_id = 1;
  std::string webhook;  // "/rest/1/<secret>/"
  bool created = false;
};

// Creates the portal, department 1, the administrator (user 1) and its all-scope webhook if
// absent; otherwise reports the same values without changing anything.
InitResult init_portal(Store& store, const std::string& master_key);

}  // namespace imhub
