#include "views/message_view.hpp"

#include "core/clock.hpp"

namespace imhub {

Value im_message_object(const Message& m, int64_t viewer, int64_t read_seq) {
  Value v = Value::map();
  v["id"] = m.id;
  v["chat_id"] = m.chat_id;
  v["author_id"] = m.author_id;
  v["date"] = atom_time(m.created_at);
  v["text"] = m.text;
  v["params"] = m.params.is_map() && m.params.size() > 0 ? m.params : Value();
  v["unread"] = m.author_id != viewer && m.seq > read_seq;
  v["uuid"] = Value();
  v["replaces"] = Value::list();
  v["disappearing_date"] = Value();
  return v;
}

}  // namespace imhub
