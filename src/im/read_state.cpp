#include "im/read_state.hpp"

#include <algorithm>

namespace imhub {

bool read_up_to(Tx& tx, const Chat& chat, const ChatMember& m, int64_t message_id) {
  Conn& c = tx.conn;
  int64_t seq = chat.last_seq;
  int64_t id = chat.last_message_id;
  if (message_id > 0) {
    auto row = c.query_one("SELECT seq FROM messages WHERE id = $1 AND chat_id = $2", {message_id, chat.id});
    if (!row) return false;
    seq = row->i64(0);
    id = message_id;
  }
  if (seq <= m.last_read_seq && !m.marked_unread) return false;
  c.exec(
      "UPDATE chat_members SET last_read_seq = CASE WHEN last_read_seq > $3 THEN last_read_seq ELSE $3 END, "
      "last_read_id = CASE WHEN last_read_id > $4 THEN last_read_id ELSE $4 END, marked_unread = 0 "
      "WHERE chat_id = $1 AND user_id = $2",
      {chat.id, m.user_id, seq, id});
  tx.raise(ChatRead{chat.id, m.user_id, std::max(id, m.last_read_id), m.last_read_id});
  return true;
}

bool unread_from(Tx& tx, const Chat& chat, int64_t user_id, int64_t message_id) {
  Conn& c = tx.conn;
  auto row = c.query_one("SELECT seq FROM messages WHERE id = $1 AND chat_id = $2", {message_id, chat.id});
  if (!row) return false;
  auto before =
      c.query_one("SELECT COALESCE(MAX(id), 0) FROM messages WHERE chat_id = $1 AND id < $2", {chat.id, message_id});
  c.exec("UPDATE chat_members SET last_read_seq = $3, last_read_id = $4 WHERE chat_id = $1 AND user_id = $2",
         {chat.id, user_id, row->i64(0) - 1, before->i64(0)});
  tx.raise(ChatUnread{chat.id, user_id, message_id});
  return true;
}

void read_everything(Tx& tx, int64_t user_id) {
  Conn& c = tx.conn;
  c.exec(
      "UPDATE chat_members SET last_read_seq = (SELECT last_seq FROM chats WHERE chats.id = chat_members.chat_id), "
      "last_read_id = (SELECT last_message_id FROM chats WHERE chats.id = chat_members.chat_id), marked_unread = 0 "
      "WHERE user_id = $1",
      {user_id});
  tx.raise(AllRead{user_id});
}

}  // namespace imhub
