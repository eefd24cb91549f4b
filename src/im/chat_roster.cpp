#include "im/chat_roster.hpp"

#include <algorithm>

namespace imhub {

bool ChatRoster::is_manager(int64_t user_id) const {
  return std::binary_search(managers.begin(), managers.end(), user_id);
}

ChatRoster load_chat_roster(Conn& c, int64_t chat_id) {
  // From indexes alone (the primary key and the partial indexes of muted members and managers):
  // a chat's member rows are never read one by one, whatever its size.
  ChatRoster r;
  r.user_counter = c.query_one("SELECT COUNT(*) FROM chat_members WHERE chat_id = $1", {chat_id})->i64(0);
  for (const Row& row :
       c.query("SELECT user_id FROM chat_members WHERE chat_id = $1 AND muted = 1 ORDER BY user_id", {chat_id}))
    r.muted.push_back(row.i64(0));
  for (const Row& row :
       c.query("SELECT user_id FROM chat_members WHERE chat_id = $1 AND manager = 1 ORDER BY user_id", {chat_id}))
    r.managers.push_back(row.i64(0));
  return r;
}

std::shared_ptr<const ChatRoster> ChatRosterCache::get(Conn& c, int64_t chat_id, int64_t version, int64_t created_at) {
  Shard& s = shards_[static_cast<uint64_t>(chat_id) % kShards];
  {
    std::lock_guard lock(s.mu);
    auto it = s.entries.find(chat_id);
    if (it != s.entries.end() && it->second.version == version && it->second.created_at == created_at)
      return it->second.roster;
  }
  // Loaded outside the lock from the caller's snapshot, whose chat row carried `version`; two
  // threads may load the same roster, and either copy is right for that version.
  auto roster = std::make_shared<const ChatRoster>(load_chat_roster(c, chat_id));
  std::lock_guard lock(s.mu);
  if (s.entries.size() >= kShardEntries) s.entries.clear();
  s.entries.insert_or_assign(chat_id, Entry{version, created_at, roster});
  return roster;
}

}  // namespace imhub
