#include "text/rich_params.hpp"

#include "core/json.hpp"
#include "core/strings.hpp"

namespace imhub {

std::optional<Value> rich_param_tree(const Value& param) {
  if (param.is_array()) return param;
  if (!param.is_string()) return std::nullopt;
  std::string_view text = trim(param.get_string());
  if (text.empty() || (text.front() != '{' && text.front() != '[')) return std::nullopt;
  auto parsed = parse_json(text);
  if (!parsed || !parsed->is_array()) return std::nullopt;
  return parsed;
}

bool is_list_like(const Value& v) {
  if (v.is_list()) return true;
  return v.is_map() && v.get_map().is_sequential();
}

bool is_assoc(const Value& v) { return v.is_map() && !v.get_map().empty() && !v.get_map().is_sequential(); }

bool is_allowed_link(std::string_view link) {
  if (link.empty()) return false;
  if (link.front() == '/') return true;
  return starts_with_ci(link, "http://") || starts_with_ci(link, "https://");
}

bool is_hex_color(std::string_view color) {
  if (color.size() != 4 && color.size() != 7) return false;
  if (color[0] != '#') return false;
  for (size_t i = 1; i < color.size(); ++i) {
    char c = color[i];
    bool hex = (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    if (!hex) return false;
  }
  return true;
}

const Value* rich_field(const Value& obj, std::string_view key) {
  if (!obj.is_map()) return nullptr;
  const Value* v = obj.find_ci(key);
  if (!v || v->is_null()) return nullptr;
  return v;
}

std::optional<std::string> rich_string(const Value& obj, std::string_view key) {
  const Value* v = rich_field(obj, key);
  if (!v || !v->is_scalar()) return std::nullopt;
  return std::string(trim(v->to_string()));
}

std::optional<int64_t> rich_int(const Value& obj, std::string_view key) {
  const Value* v = rich_field(obj, key);
  if (!v || !v->is_scalar()) return std::nullopt;
  if (v->is_double()) return static_cast<int64_t>(v->get_double());
  return v->to_int_or(0);
}

std::string rich_flag(const Value& obj, std::string_view key) {
  const Value* v = rich_field(obj, key);
  return v && v->is_scalar() && v->is_yes() ? "Y" : "N";
}

size_t encoded_size(const Value& v) { return to_json(v).size(); }

}  // namespace imhub
