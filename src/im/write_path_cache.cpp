#include "im/write_path_cache.hpp"

#include "im/dialog.hpp"

namespace imhub {
namespace {

// Bounds, so a store of many chats keeps a working set, not a copy: a full map starts over.
constexpr size_t kMaxChats = 4096;
constexpr size_t kMaxPrivate = 4096;
constexpr size_t kMaxMembers = 65536;

const std::string& chat_sql() {
  static const std::string sql = "SELECT " + chat_columns("") + ", members_version FROM chats WHERE id = $1";
  return sql;
}

}  // namespace

WritePathCache* WritePathCache::of(Conn& c) {
  WritePathConn* w = write_path(c);
  if (!w) return nullptr;
  auto& slot = w->attachment();
  if (!slot) slot = std::make_unique<WritePathCache>();
  return static_cast<WritePathCache*>(slot.get());
}

void WritePathCache::refresh(Conn& c) {
  const uint64_t now = write_path(c)->write_epoch("chats");
  if (now == stamp_) return;
  chats_.clear();
  private_ids_.clear();
  stamp_ = now;
}

const WriteChat* WritePathCache::chat(Conn& c, int64_t id) {
  refresh(c);
  if (auto it = chats_.find(id); it != chats_.end()) return &it->second;
  auto row = c.query_one(chat_sql(), {id});
  if (!row) return nullptr;
  if (chats_.size() >= kMaxChats) chats_.clear();
  WriteChat entry{read_chat(*row), row->i64(row->size() - 1)};
  return &chats_.insert_or_assign(id, std::move(entry)).first->second;
}

int64_t WritePathCache::private_chat_id(Conn& c, int64_t a, int64_t b) {
  refresh(c);
  const IdPair key{std::min(a, b), std::max(a, b)};
  if (auto it = private_ids_.find(key); it != private_ids_.end()) return it->second;
  const int64_t id = stored_private_chat_id(c, a, b);
  if (id == 0) return 0;  // not remembered: the dialog's first message creates it, which drops the cache
  if (private_ids_.size() >= kMaxPrivate) private_ids_.clear();
  private_ids_.emplace(key, id);
  return id;
}

bool WritePathCache::is_member(Conn& c, const WriteChat& chat, int64_t user_id) {
  const IdPair key{chat.chat.id, user_id};
  if (auto it = members_.find(key); it != members_.end() && it->second == chat.members_version) return true;
  // `chat` may be an entry of chats_; read what is needed before the store is asked.
  const int64_t version = chat.members_version;
  if (!find_member(c, key.first, user_id)) return false;
  if (members_.size() >= kMaxMembers) members_.clear();
  members_.insert_or_assign(key, version);
  return true;
}

uint64_t WritePathCache::before_append(Conn& c) const { return write_path(c)->write_epoch("chats"); }

void WritePathCache::appended(Conn& c, uint64_t epoch_before, int64_t chat_id, int64_t seq, int64_t message_id,
                              int64_t at) {
  // Only when nothing else wrote chats since the entries were read (then they are dropped anyway).
  if (epoch_before != stamp_) return;
  stamp_ = write_path(c)->write_epoch("chats");
  auto it = chats_.find(chat_id);
  if (it == chats_.end()) return;
  Chat& chat = it->second.chat;
  chat.last_seq = seq;
  chat.last_message_id = message_id;
  chat.last_message_at = at;
}

int64_t WritePathCache::next_message_id(Conn& c) {
  const uint64_t now = write_path(c)->write_epoch("messages");
  if (now != ids_stamp_ || next_message_id_ == 0) {
    next_message_id_ = c.query_one(
                            "SELECT MAX(COALESCE((SELECT MAX(id) FROM messages), 0), "
                            "COALESCE((SELECT id FROM id_floors WHERE name = 'messages'), 0)) + 1")
                           ->i64(0);
    ids_stamp_ = now;
  }
  return next_message_id_;
}

void WritePathCache::message_inserted(Conn& c, int64_t id) {
  ids_stamp_ = write_path(c)->write_epoch("messages");
  next_message_id_ = id + 1;
}

std::optional<Chat> write_path_chat(Conn& c, int64_t id) {
  WritePathCache* cache = WritePathCache::of(c);
  if (!cache) return find_chat(c, id);
  const WriteChat* chat = cache->chat(c, id);
  if (!chat) return std::nullopt;
  return chat->chat;
}

bool write_path_member(Conn& c, int64_t chat_id, int64_t user_id) {
  WritePathCache* cache = WritePathCache::of(c);
  const WriteChat* chat = cache ? cache->chat(c, chat_id) : nullptr;
  if (!chat) return find_member(c, chat_id, user_id).has_value();
  return cache->is_member(c, *chat, user_id);
}

std::optional<Chat> write_path_private_chat(Conn& c, int64_t a, int64_t b) {
  WritePathCache* cache = WritePathCache::of(c);
  if (!cache) return find_private_chat(c, a, b);
  const int64_t id = cache->private_chat_id(c, a, b);
  if (id == 0) return std::nullopt;
  return write_path_chat(c, id);
}

}  // namespace imhub
