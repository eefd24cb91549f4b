#include "users/user_cache.hpp"

namespace imhub {

uint64_t UserCache::epoch() const {
  // Both only grow, so the sum moves whenever either does.
  return store_.table_epoch("users") + store_.table_epoch("user_departments");
}

std::shared_ptr<const User> UserCache::find(int64_t id) {
  const uint64_t now = epoch();
  if (const auto* hit = cache_.find(id, now)) return *hit;
  auto user = store_.read_with([&](Conn& c) { return find_user(c, id); });
  if (!user) return nullptr;  // absence is not cached: the next call looks again
  auto shared = std::make_shared<const User>(std::move(*user));
  cache_.put(id, shared);
  return shared;
}

}  // namespace imhub
