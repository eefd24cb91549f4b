// Each user's recent list as their last call left it, so that a call nothing has changed for
// filters and splices without a query (views/recent_fragments.hpp keeps the items' JSON; this
// keeps which items a user has, in order, with what the filters read).
//
// A list is dropped exactly when something it shows may have changed: the store reports every
// row this process commits (RowReports::watch_rows, right after COMMIT and before the write is
// answered), and each report stamps what the rows touch with a new generation —
//  * a chat, for a write to its `chats` row (title, last message, members_version, which moves
//    with every roster change) or to any of its `messages`;
//  * a user, for a write to one of their `chat_members` rows (joined, left, read, pinned, hidden,
//    muted, marked) or their `user_presence` row;
//  * everything, for a write to `users`, `user_departments`, `bots` or `apps` (names, photos and
//    mentions show in other people's items; these tables change rarely).
// A list remembers the generation read before its snapshot opened and the chats (every chat of
// the viewer, hidden ones included) and users (the viewer, dialog partners, last authors) it
// depends on. While none carries a later stamp it is used as it is; when only chats and shown
// users do, a call reads just those chats again and patches it; a later stamp on the viewer
// (joined, left, read, pinned, hid) or everything reads it whole. Writes of other processes
// (the CLI) are seen through RowReports::foreign_epoch of the same tables: any move
// drops every list. Where the store cannot report rows (PostgreSQL) the projection is off and
// every call reads the store. See docs/architecture.md "Recent list".
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "im/recent.hpp"
#include "store/row_reports.hpp"
#include "store/store.hpp"

namespace imhub {

struct RecentListItem {
  RecentKeys keys;
  std::shared_ptr<const std::string> json;  // the item as its form renders it
  int64_t shown = 0;                        // the user whose object it shows (dialog partner, last author)
};

// What a list's validity is checked against: taken before the snapshot it is built from.
struct RecentStamp {
  static constexpr size_t kForeignTables = 8;
  uint64_t generation = 0;
  std::array<uint64_t, kForeignTables> foreign{};
};

struct RecentList {
  RecentStamp stamp;
  std::vector<RecentListItem> items;  // load_recent's order, unfiltered
  std::vector<int64_t> chats;         // every chat of the viewer
  size_t bytes() const;
};

// What a call can use of a kept list.
struct RecentLookup {
  std::shared_ptr<const RecentList> list;  // null: none kept, or it must be read again whole
  std::vector<int64_t> stale_chats;        // with `list`: the chats whose items must be read again (sorted)
};

class RecentProjection {
 public:
  // Registers with the store's row reports; off (enabled() false) when `max_bytes` is 0 or the
  // store is no RowReports.
  RecentProjection(Store& store, size_t max_bytes);
  // Stops the reports: a store closed after this (an early exit) must not call into it.
  ~RecentProjection();
  RecentProjection(const RecentProjection&) = delete;
  RecentProjection& operator=(const RecentProjection&) = delete;
  bool enabled() const { return enabled_; }

  RecentStamp stamp() const;
  // The list of (viewer, form) and what changed since it was built: nothing (use it as it is);
  // some of its chats — written, or showing a user whose presence was — (read those again);
  // or anything else (no list: read it whole).
  RecentLookup lookup(int64_t viewer, int form) const;
  void put(int64_t viewer, int form, std::shared_ptr<const RecentList> list);

 private:
  void written(const std::vector<RowKey>& keys);
  RecentLookup check(int64_t viewer, std::shared_ptr<const RecentList> list) const;

  RowReports* reports_ = nullptr;  // null: the store cannot report rows (the projection is off)
  bool enabled_ = false;
  const size_t shard_bytes_;

  // Stamps (guarded by stamps_mu_; generation_ also read without it for the common case of no
  // write since a list was built).
  mutable std::mutex stamps_mu_;
  std::atomic<uint64_t> generation_{1};
  uint64_t floor_ = 0;  // lists older than this are gone (a global write, or the maps started over)
  std::unordered_map<int64_t, uint64_t> chat_stamps_, user_stamps_;

  struct Shard {
    mutable std::mutex mu;
    std::unordered_map<int64_t, std::shared_ptr<const RecentList>> lists;  // key: viewer * 2 + form
    size_t bytes = 0;
  };
  static constexpr size_t kShards = 16;
  Shard& shard_of(int64_t viewer) const { return shards_[static_cast<uint64_t>(viewer) % kShards]; }
  mutable std::array<Shard, kShards> shards_;
};

}  // namespace imhub
