#include "im/message_post.hpp"

#include "core/clock.hpp"

namespace imhub {
namespace {

int64_t append(Conn& c, const NewMessage& m) {
  const int64_t now = now_unix_seconds();
  auto seq_row =
      c.query_one("UPDATE chats SET last_seq = last_seq + 1, last_message_at = $2 WHERE id = $1 RETURNING last_seq",
                  {m.chat_id, now});
  if (!seq_row) throw StoreError("post_message: chat " + std::to_string(m.chat_id) + " does not exist");
  const int64_t seq = seq_row->i64(0);
  SqlValue template_id = m.template_id.empty() ? SqlValue(nullptr) : SqlValue(m.template_id);
  auto row = c.query_one(
      "INSERT INTO messages (chat_id, seq, author_id, text, params, system, created_at, template_id) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
      {m.chat_id, seq, m.author_id, m.text, m.params_json, int64_t{m.system ? 1 : 0}, now, template_id});
  const int64_t id = row->i64(0);
  c.exec("UPDATE chats SET last_message_id = $2 WHERE id = $1", {m.chat_id, id});
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
  tx.raise(MessageAdded{chat, id, m, by_bot});
  return id;
}

int64_t post_message(Tx& tx, const NewMessage& m, bool by_bot) {
  auto chat = find_chat(tx.conn, m.chat_id);
  if (!chat) throw StoreError("post_message: chat " + std::to_string(m.chat_id) + " does not exist");
  return post_message(tx, *chat, m, by_bot);
}

}  // namespace imhub
