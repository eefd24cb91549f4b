#include "im/message_edit.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/clock.hpp"

namespace imhub {

void mark_edited(Message& m, bool edited) {
  if (!m.params.is_map()) m.params = Value::map();
  if (!edited)
    m.params.get_map().erase("IS_EDITED");
  else
    m.params["IS_EDITED"] = "Y";
  m.edited_at = now_unix_seconds();
}

bool toggle_like(Message& m, int64_t user_id, std::string_view action) {
  std::vector<int64_t> likes;
  if (m.params.is_map())
    for (const Value* v : std::as_const(m.params)["LIKE"].elements()) likes.push_back(v->to_int_or(0));
  const bool liked = std::find(likes.begin(), likes.end(), user_id) != likes.end();
  const bool want = action == "plus" ? true : action == "minus" ? false : !liked;
  if (want == liked) return false;
  if (want)
    likes.push_back(user_id);
  else
    likes.erase(std::remove(likes.begin(), likes.end(), user_id), likes.end());
  if (!m.params.is_map()) m.params = Value::map();
  if (likes.empty()) {
    m.params.get_map().erase("LIKE");
  } else {
    Value list = Value::list();
    for (int64_t u : likes) list.push_back(u);
    m.params["LIKE"] = std::move(list);
  }
  return true;
}

void soft_delete(Message& m) {
  m.text = kDeletedMessageText;
  Value params = Value::map();
  if (m.params.is_map())
    for (const char* keep : {"REPLY_ID", "LIKE"})
      if (const Value* v = m.params.find(keep)) params[keep] = *v;
  params["IS_DELETED"] = "Y";
  params["KEYBOARD"] = "N";
  params["ATTACH"] = Value::list();
  m.params = std::move(params);
  m.deleted = true;
  m.edited_at = now_unix_seconds();
}

}  // namespace imhub
