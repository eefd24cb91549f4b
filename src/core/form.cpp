#include "core/form.hpp"

#include <optional>
#include <vector>

#include "core/error.hpp"
#include "core/error_catalog.hpp"
#include "core/strings.hpp"

namespace imhub {
namespace {
int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

[[noreturn]] void too_large(const std::string& what) {
  throw ApiError(errors::kRequestTooLarge, "Request parameters exceed the allowed limits: " + what);
}

// PHP's parse_str key grammar: NAME then zero or more [SEG]. Returns false for an empty name.
bool split_key(const std::string& raw, std::string& name, std::vector<std::optional<std::string>>& segments) {
  size_t open = raw.find('[');
  if (open == std::string::npos || raw.find(']', open) == std::string::npos) {
    name = raw;
  } else {
    name = raw.substr(0, open);
    size_t pos = open;
    while (pos < raw.size() && raw[pos] == '[') {
      size_t close = raw.find(']', pos);
      if (close == std::string::npos) break;  // PHP drops the unmatched rest
      std::string seg = raw.substr(pos + 1, close - pos - 1);
      if (seg.empty())
        segments.emplace_back(std::nullopt);
      else
        segments.emplace_back(std::move(seg));
      pos = close + 1;
    }
  }
  // PHP turns '.', ' ' and an unmatched '[' in the top-level name into '_'.
  for (char& c : name)
    if (c == '.' || c == ' ' || c == '[') c = '_';
  return !name.empty();
}

}  // namespace

void assign_param(Value& root, const std::string& raw_key, Value value, const DecodeLimits& limits, size_t& keys_used) {
  if (raw_key.size() > limits.max_key_bytes) too_large("key length");
  std::string name;
  std::vector<std::optional<std::string>> segments;
  if (!split_key(raw_key, name, segments)) return;
  if (segments.size() + 1 > limits.max_depth) too_large("nesting depth");
  keys_used += segments.size() + 1;
  if (keys_used > limits.max_keys) too_large("number of keys");

  Value* slot = &root[name];
  for (const auto& seg : segments) {
    if (!slot->is_map()) *slot = Value::map();  // PHP replaces a scalar with an array here
    Map& m = slot->get_map();
    slot = seg ? &m[*seg] : &m[std::to_string(m.next_index())];
  }
  *slot = std::move(value);
}

void check_utf8(std::string_view s) {
  if (!valid_utf8(s)) throw ApiError(errors::kWrongEncoding);
}

std::string url_decode(std::string_view s, bool plus_as_space) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+' && plus_as_space) {
      out += ' ';
    } else if (c == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += c;  // PHP keeps a stray '%' literally
    }
  }
  return out;
}

std::string url_encode(std::string_view s) {
  static const char* kHex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' ||
        c == '.') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

void parse_query_into(std::string_view query, Value& root, const DecodeLimits& limits, size_t& keys_used) {
  if (!root.is_map()) root = Value::map();
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    std::string_view pair = query.substr(start, amp == std::string_view::npos ? std::string_view::npos : amp - start);
    if (!pair.empty()) {
      size_t eq = pair.find('=');
      std::string key = url_decode(pair.substr(0, eq));
      std::string value = eq == std::string_view::npos ? std::string() : url_decode(pair.substr(eq + 1));
      check_utf8(key);
      check_utf8(value);
      assign_param(root, key, Value(std::move(value)), limits, keys_used);
    }
    if (amp == std::string_view::npos) break;
    start = amp + 1;
  }
}

}  // namespace imhub
