// Handler URLs an administrator or the local CLI registered (table event_handler_trust,
// migration 19): the delivery worker lets these reach loopback addresses, which other handlers
// may reach only with `[events] allow_private` (handler_policy.hpp). Trust is per exact URL, so a
// user cannot borrow it by pointing another path or port of the same host at a local service.
#pragma once

#include <cstdint>
#include <string>
#include <unordered_set>
#include <vector>

#include "store/store.hpp"

namespace imhub {

// Records `urls` (empty ones skipped) as registered by `user_id` (0: the CLI). Inside the
// registration's write transaction; a URL trusted already keeps its first row.
void trust_handlers(Conn& w, const std::vector<std::string>& urls, int64_t user_id);

std::unordered_set<std::string> trusted_handlers(Conn& c);

}  // namespace imhub
