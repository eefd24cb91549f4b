// What a chat object derives from the chat's member rows: how many there are, who muted it, who
// manages it. Reading it costs three queries over the chat's members; a recent list of 150 group
// chats would pay 450 per call, so it is kept in memory, checked on every read against the chat
// row's members_version (migration 28: moved by triggers on every insert, delete, mute or manager
// change of chat_members, in the writer's own transaction). A snapshot that reads the chat row
// therefore learns whether the roster it holds is the one of that snapshot: nothing to invalidate,
// nothing that can go stale, and the same on every node that shares the store.
#pragma once

#include <array>
#include <cstdint>
#include <memory>
#include <mutex>
#include <unordered_map>
#include <vector>

#include "store/store.hpp"

namespace imhub {

struct ChatRoster {
  int64_t user_counter = 0;
  std::vector<int64_t> muted;     // user ids, ascending
  std::vector<int64_t> managers;  // members with the manager flag, ascending (the owner may be one)
  bool is_manager(int64_t user_id) const;
};

ChatRoster load_chat_roster(Conn& c, int64_t chat_id);

// Shared by every thread of the server; bounded (a full shard starts over).
class ChatRosterCache {
 public:
  // The roster of `chat_id` as of the snapshot `c` reads, whose chat row carries `version`
  // (chats.members_version) and `created_at` (ids of deleted chats are not trusted to stay unused).
  std::shared_ptr<const ChatRoster> get(Conn& c, int64_t chat_id, int64_t version, int64_t created_at);

 private:
  struct Entry {
    int64_t version = 0;
    int64_t created_at = 0;
    std::shared_ptr<const ChatRoster> roster;
  };
  struct Shard {
    std::mutex mu;
    std::unordered_map<int64_t, Entry> entries;
  };
  static constexpr size_t kShards = 16;
  static constexpr size_t kShardEntries = 1 << 14;
  std::array<Shard, kShards> shards_;
};

}  // namespace imhub
