#include "text/message_parts.hpp"

#include "text/attach.hpp"
#include "text/keyboard.hpp"
#include "text/menu.hpp"

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

}  // namespace imhub
