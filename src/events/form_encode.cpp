#include "events/form_encode.hpp"

#include <cmath>
#include <cstdio>

namespace imhub {

namespace {

bool unreserved(unsigned char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.';
}

void append_scalar(std::string& out, const Value& v) {
  switch (v.kind()) {
    case Value::Kind::kBool:
      out += v.get_bool() ? '1' : '0';
      break;
    case Value::Kind::kInt:
      out += std::to_string(v.get_int());
      break;
    case Value::Kind::kDouble:
      append_urlencoded(out, php_float_string(v.get_double()));
      break;
    case Value::Kind::kString:
      append_urlencoded(out, v.get_string());
      break;
    default:
      break;
  }
}

// `name` holds the already-encoded key of `v` ("data%5BPARAMS%5D"); a child's key is that
// followed by "%5B" + encoded child key + "%5D", exactly as php_url_encode_hash_ex builds it.
// One buffer serves the whole walk: each child appends its part and cuts it off again.
void encode(std::string& out, std::string& name, const Value& v, bool top);

void encode_child(std::string& out, std::string& name, std::string_view key, const Value& child, bool top) {
  if (child.is_null()) return;
  const size_t mark = name.size();
  if (top) {
    append_urlencoded(name, key);
  } else {
    name += "%5B";
    append_urlencoded(name, key);
    name += "%5D";
  }
  encode(out, name, child, false);
  name.resize(mark);
}

void encode(std::string& out, std::string& name, const Value& v, bool top) {
  if (v.is_list()) {
    const List& list = v.get_list();
    for (size_t i = 0; i < list.size(); ++i) encode_child(out, name, std::to_string(i), list[i], top);
    return;
  }
  if (v.is_map()) {
    const Map& map = v.get_map();
    for (size_t i = 0; i < map.size(); ++i) encode_child(out, name, map.key_at(i), map.value_at(i), top);
    return;
  }
  if (v.is_null() || top) return;
  if (!out.empty()) out += '&';
  out += name;
  out += '=';
  append_scalar(out, v);
}

}  // namespace

void append_urlencoded(std::string& out, std::string_view s) {
  static const char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : s) {
    if (unreserved(c)) {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
}

std::string php_float_string(double d) {
  if (std::isnan(d)) return "NAN";
  if (std::isinf(d)) return d > 0 ? "INF" : "-INF";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.14G", d);
  std::string s(buf);
  const auto e = s.find('E');
  if (e == std::string::npos) return s;
  // C writes "1E+20" and "1E-05"; PHP writes "1.0E+20" and "1.0E-5".
  std::string mantissa = s.substr(0, e);
  if (mantissa.find('.') == std::string::npos) mantissa += ".0";
  const char sign = s[e + 1];
  size_t digits = e + 2;
  while (digits + 1 < s.size() && s[digits] == '0') ++digits;
  return mantissa + "E" + sign + s.substr(digits);
}

std::string form_encode(const Value& root) {
  std::string out;
  std::string name;
  out.reserve(1024);
  name.reserve(128);
  if (root.is_array()) encode(out, name, root, true);
  return out;
}

}  // namespace imhub
