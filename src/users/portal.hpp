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

struct InitResult {
  int64_t user_id = 1;
  std::string webhook;  // "/rest/1/<secret>/"
  bool created = false;
};

// Creates the portal, department 1, the administrator (user 1) and its all-scope webhook if
// absent; otherwise reports the same values without changing anything.
InitResult init_portal(Store& store, const std::string& master_key);

}  // namespace imhub
