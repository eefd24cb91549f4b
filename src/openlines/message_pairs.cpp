#include "openlines/message_pairs.hpp"

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

}  // namespace imhub
