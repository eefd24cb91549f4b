#include "push/member_ids_cache.hpp"

namespace imhub {

std::shared_ptr<const ChatMemberIds> MemberIdsCache::get(Conn& c, int64_t chat_id) {
  const auto stamp = c.query_one("SELECT type, members_version, created_at FROM chats WHERE id = $1", {chat_id});
  if (!stamp) return nullptr;
  const int64_t version = stamp->i64(1), created_at = stamp->i64(2);
  if (auto hit = held(chat_id, version, created_at)) return hit;
  // Read outside the lock, from the primary key alone: the member rows themselves are not read.
  auto chat = std::make_shared<ChatMemberIds>();
  chat->type = stamp->str(0);
  for (const Row& r : c.query("SELECT user_id FROM chat_members WHERE chat_id = $1", {chat_id}))
    chat->ids.push_back(r.i64(0));
  std::lock_guard lock(mu_);
  ++loads_;
  if (entries_.size() >= kMaxEntries) entries_.clear();
  entries_.insert_or_assign(chat_id, Entry{version, created_at, chat});
  return chat;
}

std::shared_ptr<const ChatMemberIds> MemberIdsCache::held(int64_t chat_id, int64_t version, int64_t created_at) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(chat_id);
  if (it == entries_.end() || it->second.version != version || it->second.created_at != created_at) return nullptr;
  return it->second.chat;
}

size_t MemberIdsCache::loads() const {
  std::lock_guard lock(mu_);
  return loads_;
}

}  // namespace imhub
