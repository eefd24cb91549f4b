#include "views/recent_fragments.hpp"

namespace imhub {

RecentEpochs RecentEpochs::current(const Store& store) {
  // Sums of counters that only grow: the sum moves whenever one of them does.
  return RecentEpochs{store.table_epoch("users") + store.table_epoch("user_departments"),
                      store.table_epoch("bots") + store.table_epoch("apps"), store.table_epoch("user_presence")};
}

size_t RecentFragmentCache::KeyHash::operator()(const Key& k) const {
  uint64_t h = static_cast<uint64_t>(k.viewer) * 0x9e3779b97f4a7c15ull;
  h ^= static_cast<uint64_t>(k.chat_id) + 0x632be59bd9b4e019ull + (h << 6) + (h >> 2);
  return static_cast<size_t>(h ^ static_cast<uint64_t>(k.form));
}

std::shared_ptr<const std::string> RecentFragmentCache::find(Conn& c, int64_t viewer, int64_t chat_id, int form,
                                                             const Row& row, const RecentEpochs& epochs) {
  if (!enabled()) return nullptr;
  const Key key{viewer, chat_id, form};
  Shard& s = shard_of(viewer);
  std::shared_ptr<const RecentFragment> f;
  {
    std::lock_guard lock(s.mu);
    auto it = s.entries.find(key);
    if (it == s.entries.end()) return nullptr;
    f = it->second;
  }
  if (f->users_epoch != epochs.users || (f->shows_bot && f->bots_epoch != epochs.bots) || !(*f->row == row))
    return nullptr;
  if (f->presence_epoch == epochs.presence) return f->json;
  for (const auto& [user_id, shown] : f->presences)
    if (!(load_presence(c, user_id) == shown)) return nullptr;
  // Still what the snapshot holds: stamped with the new epoch, the next call skips the check.
  auto fresh = std::make_shared<RecentFragment>(*f);
  fresh->presence_epoch = epochs.presence;
  std::lock_guard lock(s.mu);
  put_locked(s, key, std::move(fresh));
  return f->json;
}

void RecentFragmentCache::put(int64_t viewer, int64_t chat_id, int form,
                              std::shared_ptr<const RecentFragment> fragment) {
  if (!enabled()) return;
  Shard& s = shard_of(viewer);
  std::lock_guard lock(s.mu);
  put_locked(s, Key{viewer, chat_id, form}, std::move(fragment));
}

void RecentFragmentCache::put_locked(Shard& s, const Key& key, std::shared_ptr<const RecentFragment> fragment) {
  const size_t bytes = fragment->json->size() + sizeof(RecentFragment) + 256;
  auto it = s.entries.find(key);
  if (it != s.entries.end()) {
    s.bytes -= it->second->json->size() + sizeof(RecentFragment) + 256;
    s.entries.erase(it);
  }
  // Bounded without bookkeeping per entry: a full shard starts over (its viewers rebuild once).
  if (s.bytes + bytes > shard_bytes_) {
    s.entries.clear();
    s.bytes = 0;
  }
  s.entries.emplace(key, std::move(fragment));
  s.bytes += bytes;
}

}  // namespace imhub
