// The recent list's items as JSON text, kept per (viewer, chat, form) so that im.recent.get and
// im.recent.list build only the items whose inputs changed and splice the rest into the answer.
//
// Nothing is pushed into this cache to invalidate it: every fragment carries the inputs it was
// built from, and a read compares them with the caller's snapshot before using it —
//  * the whole recent row (chat, the viewer's member row, the last message, the chat's
//    members_version, which stands for its roster): equal rows, equal item;
//  * the epochs (Store::table_epoch) of users + user_departments (names, photos, mentions) and,
//    when it shows a bot, of bots + apps;
//  * the presence rows of the users it shows: trusted while the user_presence epoch is unchanged,
//    compared row by row when it moved (presence is written all the time, by every caller).
// A miss costs one build; a stale hit cannot happen. See docs/architecture.md "Recent list".
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

#include "im/presence.hpp"
#include "store/store.hpp"

namespace imhub {

struct RecentFragment {
  std::shared_ptr<const Row> row;  // the recent row the item was built from
  uint64_t users_epoch = 0;
  bool shows_bot = false;
  uint64_t bots_epoch = 0;  // bots + apps, when shows_bot
  uint64_t presence_epoch = 0;
  std::vector<std::pair<int64_t, Presence>> presences;  // the users shown, as shown
  std::shared_ptr<const std::string> json;
};

// The epochs a fragment is checked against, read once per call before its snapshot.
struct RecentEpochs {
  uint64_t users = 0;
  uint64_t bots = 0;
  uint64_t presence = 0;
  static RecentEpochs current(const Store& store);
};

class RecentProjection;

// Shared by every thread; holds at most `max_bytes` of JSON (a full shard starts over). Per node:
// each server checks what it holds against the shared store, so several nodes stay correct.
class RecentFragmentCache {
 public:
  explicit RecentFragmentCache(size_t max_bytes) : shard_bytes_(max_bytes / kShards) {}
  bool enabled() const { return shard_bytes_ > 0; }

  // The users' lists spliced from these fragments (views/recent_projection.hpp), reached through
  // this cache so Services (included by most of the tree) stays as it is; null when there are none.
  RecentProjection* lists = nullptr;

  // The fragment of (viewer, chat, form) if one is held whose inputs are those of `row` in the
  // snapshot `c`, as of `epochs`. A fragment found fresh after a presence check is re-stamped.
  std::shared_ptr<const std::string> find(Conn& c, int64_t viewer, int64_t chat_id, int form, const Row& row,
                                          const RecentEpochs& epochs);
  void put(int64_t viewer, int64_t chat_id, int form, std::shared_ptr<const RecentFragment> fragment);

 private:
  struct Key {
    int64_t viewer, chat_id;
    int form;
    bool operator==(const Key&) const = default;
  };
  struct KeyHash {
    size_t operator()(const Key& k) const;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<Key, std::shared_ptr<const RecentFragment>, KeyHash> entries;
    size_t bytes = 0;
  };
  static constexpr size_t kShards = 32;
  Shard& shard_of(int64_t viewer) { return shards_[static_cast<uint64_t>(viewer) % kShards]; }
  void put_locked(Shard& s, const Key& key, std::shared_ptr<const RecentFragment> fragment);

  const size_t shard_bytes_;
  std::array<Shard, kShards> shards_;
};

}  // namespace imhub
