#include "im/message_post.hpp"

#include "core/clock.hpp"
#include "im/write_path_cache.hpp"

namespace imhub {
namespace {

constexpr const char* kInsert =
    "INSERT INTO messages (chat_id, seq, author_id, text, params, system, created_at, template_id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)";

// The writer's own: the id comes from WritePathCache::next_message_id (no AUTOINCREMENT).
constexpr const char* kInsertWithId =
    "INSERT INTO messages (chat_id, seq, author_id, text, params, system, created_at, template_id, id) "
    "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)";

SqlArgs message_row(const NewMessage& m, int64_t seq, int64_t now) {
  SqlValue template_id = m.template_id.empty() ? SqlValue(nullptr) : SqlValue(m.template_id);
  return {m.chat_id, seq, m.author_id, m.text, m.params_json, int64_t{m.system ? 1 : 0}, now, std::move(template_id)};
}

// The chat's head known exactly (the writer's cache, im/write_path_cache.hpp): one INSERT and one
// UPDATE of the chat, no RETURNING. Returns 0 when the cache cannot say.
int64_t append_known_head(Conn& c, const NewMessage& m, int64_t now, int64_t& seq) {
  WritePathCache* cache = WritePathCache::of(c);
  const WriteChat* head = cache ? cache->chat(c, m.chat_id) : nullptr;
  if (!head) return 0;
  seq = head->chat.last_seq + 1;
  const int64_t id = cache->next_message_id(c);
  SqlArgs row = message_row(m, seq, now);
  row.emplace_back(id);
  c.exec(kInsertWithId, row);
  cache->message_inserted(c, id);
  const uint64_t epoch = cache->before_append(c);
  c.exec("UPDATE chats SET last_seq = $2, last_message_id = $3, last_message_at = $4 WHERE id = $1",
         {m.chat_id, seq, id, now});
  cache->appended(c, epoch, m.chat_id, seq, id, now);
  return id;
}

// Without that cache (another backend): the sequence is taken atomically in the chat row.
int64_t append_counted(Conn& c, const NewMessage& m, int64_t now, int64_t& seq) {
  auto seq_row =
      c.query_one("UPDATE chats SET last_seq = last_seq + 1, last_message_at = $2 WHERE id = $1 RETURNING last_seq",
                  {m.chat_id, now});
  if (!seq_row) return 0;
  seq = seq_row->i64(0);
  const int64_t id = insert_returning_id(c, kInsert, message_row(m, seq, now));
  c.exec("UPDATE chats SET last_message_id = $2 WHERE id = $1", {m.chat_id, id});
  return id;
}

int64_t append(Conn& c, const NewMessage& m) {
  const int64_t now = now_unix_seconds();
  int64_t seq = 0;
  int64_t id = append_known_head(c, m, now, seq);
  if (!id) id = append_counted(c, m, now, seq);
  if (!id) throw StoreError("post_message: chat " + std::to_string(m.chat_id) + " does not exist");
  // Writing a message means having read the chat up to it.
  if (m.author_id > 0)
    c.exec(
        "UPDATE chat_members SET last_read_seq = $3, last_read_id = $4, marked_unread = 0 "
        "WHERE chat_id = $1 AND user_id = $2",
        {m.chat_id, m.author_id, seq, id});
  return id;
}

}  // namespace

int64_t post_message(Tx& tx, const Chat& chat, const NewMessage& m, bool by_bot,
                     const std::function<void(int64_t id)>& belongs) {
  const int64_t id = append(tx.conn, m);
  if (belongs) belongs(id);
  // The writer's cache has the chat row as this transaction sees it (a hit right after the append).
  WritePathCache* cache = WritePathCache::of(tx.conn);
  const WriteChat* known = cache ? cache->chat(tx.conn, m.chat_id) : nullptr;
  tx.raise(MessageAdded{chat, id, m, by_bot, known ? known->members_version : -1});
  return id;
}

int64_t post_message(Tx& tx, const NewMessage& m, bool by_bot) {
  auto chat = write_path_chat(tx.conn, m.chat_id);
  if (!chat) throw StoreError("post_message: chat " + std::to_string(m.chat_id) + " does not exist");
  return post_message(tx, *chat, m, by_bot);
}

}  // namespace imhub
