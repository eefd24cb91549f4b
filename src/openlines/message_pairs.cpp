#include "openlines/message_pairs.hpp"

#include "im/message_actions.hpp"

namespace imhub {

void pair_relayed_messages(Conn& c, int64_t client_message, int64_t lines_message) {
  c.exec("INSERT INTO livechat_messages (visitor_message_id, operator_message_id) VALUES ($1, $2)",
         {client_message, lines_message});
}

int64_t relayed_counterpart(Conn& c, int64_t message_id, bool from_client) {
  auto r = from_client ? c.query_one("SELECT operator_message_id FROM livechat_messages WHERE visitor_message_id = $1",
                                     {message_id})
                       : c.query_one("SELECT visitor_message_id FROM livechat_messages WHERE operator_message_id = $1",
                                     {message_id});
  return r ? r->i64(0) : 0;
}

void follow_to_copy(Tx& tx, int64_t copy_id, const Message& before, const Message& after, bool deleted, bool complete,
                    const std::string& copy_text) {
  if (copy_id == 0) return;
  auto copy = find_message(tx.conn, copy_id);
  if (!copy || copy->deleted) return;
  if (deleted) {
    delete_message(tx, copy->id, copy->author_id, complete);
    return;
  }
  if (before.text == after.text) return;
  Edit edit;
  edit.text = copy_text;
  edit_message(tx, copy->id, copy->author_id, edit);
}

}  // namespace imhub
