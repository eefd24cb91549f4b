#include "im/message_edit.hpp"

#include <algorithm>
#include <utility>
#include <vector>

#include "core/clock.hpp"
#include "im/attach.hpp"
#include "im/keyboard.hpp"
#include "im/menu.hpp"

namespace imhub {

bool is_rich_removal(const Value& v) {
  if (v.is_array()) return v.size() == 0;
  const std::string s = v.to_string();
  return s.empty() || s == "N";
}

void apply_rich_params(const ParamOf& param, Value& params, bool update, int64_t bot_id) {
  struct Part {
    const char* name;
    Value (*normalize)(const Value&, int64_t);
  };
  static const Part kParts[] = {
      {"ATTACH", [](const Value& v, int64_t) { return normalize_attach(v); }},
      {"KEYBOARD", [](const Value& v, int64_t bot) { return normalize_keyboard(v, bot); }},
      {"MENU", [](const Value& v, int64_t bot) { return normalize_menu(v, bot); }},
  };
  for (const Part& part : kParts) {
    const Value& v = param(part.name);
    if (v.is_null()) continue;
    if (is_rich_removal(v)) {
      if (update && params.is_map()) params.get_map().erase(part.name);
      continue;
    }
    Value normalized = part.normalize(v, bot_id);
    if (!params.is_map()) params = Value::map();
    params[part.name] = std::move(normalized);
  }
}

void mark_edited(Message& m, const Value& is_edited) {
  if (!m.params.is_map()) m.params = Value::map();
  if (!is_edited.is_null() && !is_edited.is_yes())
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
