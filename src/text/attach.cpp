#include "text/attach.hpp"

#include <functional>
#include <optional>
#include <string>

#include "core/clock.hpp"
#include "core/error_catalog.hpp"
#include "core/strings.hpp"
#include "text/rich_params.hpp"

namespace imhub {

namespace {

// Items of a block that may hold one object or a list of them (`"IMAGE": {...}` in spec
// examples, `"IMAGE": [{...}]` elsewhere).
std::vector<const Value*> block_items(const Value& v) {
  if (is_assoc(v)) return {&v};
  if (is_list_like(v)) return v.elements();
  return {};
}

void put_string(Value& out, const Value& in, std::string_view key, bool keep_empty = false) {
  auto s = rich_string(in, key);
  if (s && (keep_empty || !s->empty())) out[key] = *s;
}

void put_link(Value& out, const Value& in, std::string_view key) {
  auto s = rich_string(in, key);
  if (s && is_allowed_link(*s)) out[key] = *s;
}

void put_positive(Value& out, const Value& in, std::string_view key) {
  auto n = rich_int(in, key);
  if (n && *n > 0) out[key] = *n;
}

void put_color(Value& out, const Value& in, std::string_view key) {
  auto s = rich_string(in, key);
  if (s && is_hex_color(*s)) out[key] = *s;
}

// An entity id stands in for a link: the first of `keys` that is a positive integer.
bool put_first_id(Value& out, const Value& in, std::initializer_list<std::string_view> keys) {
  for (std::string_view key : keys) {
    auto n = rich_int(in, key);
    if (n && *n > 0) {
      out[key] = *n;
      return true;
    }
  }
  return false;
}

std::optional<Value> user_item(const Value& in) {
  auto name = rich_string(in, "NAME");
  if (!name || name->empty()) return std::nullopt;
  Value out = Value::map();
  out["NAME"] = *name;
  put_link(out, in, "AVATAR");
  if (auto type = rich_string(in, "AVATAR_TYPE")) {
    std::string t = to_upper(*type);
    if (t == "CHAT" || t == "USER" || t == "BOT") out["AVATAR_TYPE"] = t;
  }
  auto link = rich_string(in, "LINK");
  if (link && is_allowed_link(*link)) {
    out["LINK"] = *link;
  } else {
    put_first_id(out, in, {"USER_ID", "CHAT_ID", "BOT_ID"});
  }
  return out;
}

// LINK and RICH_LINK: a target is required, either a link or a user / chat id.
std::optional<Value> link_item(const Value& in) {
  Value out = Value::map();
  put_string(out, in, "NAME");
  auto link = rich_string(in, "LINK");
  if (link && is_allowed_link(*link)) {
    out["LINK"] = *link;
  } else if (!put_first_id(out, in, {"USER_ID", "CHAT_ID"})) {
    return std::nullopt;
  }
  put_string(out, in, "DESC");
  put_string(out, in, "HTML");
  put_link(out, in, "PREVIEW");
  put_positive(out, in, "WIDTH");
  put_positive(out, in, "HEIGHT");
  return out;
}

std::string grid_display(const Value& in) {
  std::string d = to_upper(rich_string(in, "DISPLAY").value_or(""));
  if (d == "BLOCK" || d == "LINE" || d == "ROW" || d == "TABLE") return d;
  if (d == "CARD") return "LINE";  // legacy names (protocol.md §12.2)
  if (d == "COLUMN") return "ROW";
  return "BLOCK";
}

std::optional<Value> grid_item(const Value& in) {
  if (!in.is_map() || (!rich_field(in, "NAME") && !rich_field(in, "VALUE"))) return std::nullopt;
  Value out = Value::map();
  out["NAME"] = rich_string(in, "NAME").value_or("");
  out["VALUE"] = rich_string(in, "VALUE").value_or("");
  out["DISPLAY"] = grid_display(in);
  put_positive(out, in, "WIDTH");
  put_positive(out, in, "HEIGHT");
  put_color(out, in, "COLOR");
  put_first_id(out, in, {"CHAT_ID"});
  put_first_id(out, in, {"USER_ID"});
  put_link(out, in, "LINK");
  return out;
}

std::optional<Value> image_item(const Value& in) {
  auto link = rich_string(in, "LINK");
  if (!link || !is_allowed_link(*link)) return std::nullopt;
  Value out = Value::map();
  put_string(out, in, "NAME");
  out["LINK"] = *link;
  put_link(out, in, "PREVIEW");
  put_positive(out, in, "WIDTH");
  put_positive(out, in, "HEIGHT");
  return out;
}

std::optional<Value> file_item(const Value& in) {
  auto link = rich_string(in, "LINK");
  if (!link || !is_allowed_link(*link)) return std::nullopt;
  Value out = Value::map();
  put_string(out, in, "NAME");
  out["LINK"] = *link;
  put_positive(out, in, "SIZE");
  return out;
}

Value delimiter(const Value& in) {
  Value out = Value::map();
  auto size = rich_int(in, "SIZE");
  out["SIZE"] = size && *size > 0 ? *size : int64_t{200};
  auto color = rich_string(in, "COLOR");
  out["COLOR"] = color && is_hex_color(*color) ? *color : std::string("#c6c6c6");
  return out;
}

using ItemFn = std::function<std::optional<Value>(const Value&)>;

std::vector<Value> valid_items(const Value& v, const ItemFn& fn) {
  std::vector<Value> out;
  for (const Value* item : block_items(v)) {
    if (!item->is_map()) continue;
    if (auto ok = fn(*item)) out.push_back(std::move(*ok));
  }
  return out;
}

Value single(std::string_view key, Value v) {
  Value block = Value::map();
  block[key] = std::move(v);
  return block;
}

// One input block element may expand to several stored blocks: every USER / LINK / RICH_LINK
// item is a block of its own (each rendered as a separate row), GRID / IMAGE / FILE keep their
// items together.
void add_blocks(const Value& element, List& out) {
  if (!element.is_map()) return;
  const Map& m = element.get_map();
  for (size_t i = 0; i < m.size(); ++i) {
    const std::string key = to_upper(m.key_at(i));
    const Value& v = m.value_at(i);
    if (key == "USER" || key == "LINK" || key == "RICH_LINK") {
      ItemFn fn = key == "USER" ? ItemFn(user_item) : ItemFn(link_item);
      for (Value& item : valid_items(v, fn)) out.push_back(single(key, List{std::move(item)}));
    } else if (key == "GRID" || key == "IMAGE" || key == "FILE") {
      ItemFn fn = key == "GRID" ? ItemFn(grid_item) : key == "IMAGE" ? ItemFn(image_item) : ItemFn(file_item);
      std::vector<Value> items = valid_items(v, fn);
      if (!items.empty())
        out.push_back(single(key, List(std::make_move_iterator(items.begin()), std::make_move_iterator(items.end()))));
    } else if (key == "MESSAGE" || key == "HTML") {
      if (v.is_scalar() && !v.to_string().empty()) out.push_back(single(key, v.to_string()));
    } else if (key == "DELIMITER") {
      out.push_back(single(key, delimiter(v.is_map() ? v : Value::map())));
    }
  }
}

bool is_full_form(const Value& v) { return v.is_map() && rich_field(v, "BLOCKS") != nullptr; }

bool looks_like_block(const Value& v) {
  if (!v.is_map()) return false;
  static const char* kKeys[] = {"USER", "LINK", "RICH_LINK", "MESSAGE", "GRID", "IMAGE", "FILE", "DELIMITER", "HTML"};
  for (const char* k : kKeys)
    if (rich_field(v, k)) return true;
  return false;
}

// A COLOR_TOKEN (newer clients' theme colours such as "primary") is kept when it is a plain word.
std::optional<std::string> color_token(const Value& in) {
  auto t = rich_string(in, "COLOR_TOKEN");
  if (!t || t->empty() || t->size() > 32) return std::nullopt;
  for (char c : *t) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    if (!ok) return std::nullopt;
  }
  return to_lower(*t);
}

struct Draft {
  std::optional<std::string> id;
  std::string color;
  std::optional<std::string> token;
  List blocks;
};

Draft full_form(const Value& in) {
  Draft d;
  if (auto id = rich_string(in, "ID"); id && !id->empty() && *id != "0") d.id = *id;
  d.color = normalize_attach_color(rich_string(in, "COLOR").value_or(""));
  d.token = color_token(in);
  const Value* blocks = rich_field(in, "BLOCKS");
  if (blocks && looks_like_block(*blocks)) {
    add_blocks(*blocks, d.blocks);
  } else if (blocks && is_list_like(*blocks)) {
    for (const Value* b : blocks->elements()) add_blocks(*b, d.blocks);
  }
  return d;
}

std::vector<Draft> drafts_of(const Value& tree) {
  std::vector<Draft> out;
  if (is_full_form(tree)) {
    out.push_back(full_form(tree));
  } else if (looks_like_block(tree)) {
    Draft d;
    d.color = normalize_attach_color("");
    add_blocks(tree, d.blocks);
    out.push_back(std::move(d));
  } else if (is_list_like(tree)) {
    // A list may mix full forms (each its own attach) with bare blocks (gathered into one).
    std::optional<size_t> short_form;
    for (const Value* e : tree.elements()) {
      if (is_full_form(*e)) {
        out.push_back(full_form(*e));
        continue;
      }
      if (!short_form) {
        short_form = out.size();
        out.push_back(Draft{std::nullopt, normalize_attach_color(""), std::nullopt, {}});
      }
      add_blocks(*e, out[*short_form].blocks);
    }
  }
  return out;
}

}  // namespace

std::string normalize_attach_color(std::string_view color) {
  std::string c = to_upper(trim(color));
  if (c == "NORMAL") return "#aac337";
  if (c == "ATTENTION") return "#e8a441";
  if (c == "PROBLEM") return "#df532d";
  if (c == "TRANSPARENT") return "transparent";
  std::string raw(trim(color));
  if (is_hex_color(raw)) return raw;
  return "CHAT";
}

Value normalize_attach(const Value& param) {
  auto tree = rich_param_tree(param);
  if (!tree) throw ApiError(errors::kAttachErrorAttach);
  List result;
  // Attaches without an ID get the time (as the reference server does), kept distinct within
  // one message so that [ATTACH=n] placeholders stay unambiguous.
  int64_t next_id = now_unix_seconds();
  for (Draft& d : drafts_of(*tree)) {
    if (d.blocks.empty()) continue;
    Value a = Value::map();
    a["ID"] = d.id ? *d.id : std::to_string(next_id++);
    a["BLOCKS"] = Value(std::move(d.blocks));
    a["COLOR"] = d.color;
    if (d.token) a["COLOR_TOKEN"] = *d.token;
    result.push_back(std::move(a));
  }
  if (result.empty()) throw ApiError(errors::kAttachErrorAttach);
  Value out(std::move(result));
  if (encoded_size(out) > kRichParamMaxBytes) throw ApiError(errors::kAttachOversizeAttach);
  return out;
}

}  // namespace imhub
