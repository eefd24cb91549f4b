#include "users/user_cache.hpp"

#include <mutex>

namespace imhub {

uint64_t UserCache::epoch() const {
  // Both only grow, so the sum moves whenever either does.
  return store_.table_epoch("users") + store_.table_epoch("user_departments");
}

std::shared_ptr<const User> UserCache::find(int64_t id) {
  const uint64_t now = epoch();  // read before the store: a commit meanwhile leaves the entry stale
  {
    std::shared_lock lock(mu_);
    if (epoch_ == now) {
      auto it = users_.find(id);
      if (it != users_.end()) return it->second;
    }
  }
  auto user = store_.read_with([&](Conn& c) { return find_user(c, id); });
  if (!user) return nullptr;
  auto shared = std::make_shared<const User>(std::move(*user));
  std::unique_lock lock(mu_);
  if (epoch_ != now || users_.size() >= kMaxEntries) {
    users_.clear();
    epoch_ = now;
  }
  users_[id] = shared;
  return shared;
}

}  // namespace imhub
