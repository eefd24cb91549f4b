#include "users/user_cache.hpp"

#include <atomic>
#include <unordered_map>

namespace imhub {
namespace {
constexpr size_t kMaxEntries = 100000;
std::atomic<uint64_t> next_instance{1};

struct ThreadEntries {
  uint64_t instance = 0;
  uint64_t epoch = 0;
  std::unordered_map<int64_t, std::shared_ptr<const User>> users;
};
}  // namespace

UserCache::UserCache(Store& store) : store_(store), instance_(next_instance++) {}

uint64_t UserCache::epoch() const {
  // Both only grow, so the sum moves whenever either does.
  return store_.table_epoch("users") + store_.table_epoch("user_departments");
}

std::shared_ptr<const User> UserCache::find(int64_t id) {
  thread_local ThreadEntries local;
  const uint64_t now = epoch();  // read before the store: a commit meanwhile leaves the entry stale
  if (local.instance != instance_ || local.epoch != now || local.users.size() >= kMaxEntries) {
    local.users.clear();
    local.instance = instance_;
    local.epoch = now;
  }
  auto it = local.users.find(id);
  if (it != local.users.end()) return it->second;
  auto user = store_.read_with([&](Conn& c) { return find_user(c, id); });
  if (!user) return nullptr;
  auto shared = std::make_shared<const User>(std::move(*user));
  local.users.emplace(id, shared);
  return shared;
}

}  // namespace imhub
