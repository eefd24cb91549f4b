// A cache each thread keeps for itself: no lock and no reference count shared between cores on
// the hot path. Entries are trusted only while the caller's `epoch` (e.g. a sum of
// Store::table_epoch values) is what it was when they were stored; a new epoch empties the
// thread's copy. Read the epoch before loading from the store, so a change committed meanwhile
// leaves the new entry already stale rather than wrongly fresh.
#pragma once

#include <atomic>
#include <cstdint>
#include <unordered_map>

namespace imhub {

template <class Key, class Value>
class ThreadCache {
 public:
  explicit ThreadCache(size_t max_entries) : max_entries_(max_entries), instance_(next_instance()) {}

  // The entry for `key` if it was stored under this epoch by this thread, else null.
  const Value* find(const Key& key, uint64_t epoch) const {
    Local& l = local();
    if (l.instance != instance_ || l.epoch != epoch || l.entries.size() >= max_entries_) {
      l.entries.clear();
      l.instance = instance_;
      l.epoch = epoch;
      return nullptr;
    }
    auto it = l.entries.find(key);
    return it == l.entries.end() ? nullptr : &it->second;
  }

  // Stores under the epoch the last find() saw on this thread.
  void put(Key key, Value value) const { local().entries.insert_or_assign(std::move(key), std::move(value)); }

 private:
  struct Local {
    uint64_t instance = 0;  // which cache the entries belong to (two caches may share the types)
    uint64_t epoch = 0;
    std::unordered_map<Key, Value> entries;
  };
  static Local& local() {
    thread_local Local l;
    return l;
  }
  static uint64_t next_instance() {
    static std::atomic<uint64_t> next{1};
    return next++;
  }
  const size_t max_entries_;
  const uint64_t instance_;
};

}  // namespace imhub
