#include "core/json.hpp"

#include <algorithm>
#include <array>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "core/strings.hpp"

namespace imhub {
namespace {

// Builds a Value directly from nlohmann's SAX events: no intermediate DOM, and depth/size
// limits are enforced while parsing rather than after an attacker's tree is already built.
class ValueBuilder : public nlohmann::json_sax<nlohmann::json> {
 public:
  explicit ValueBuilder(const JsonLimits& limits) : limits_(limits) {}

  bool null() override { return put(Value()); }
  bool boolean(bool b) override { return put(Value(b)); }
  bool number_integer(number_integer_t n) override { return put(Value(static_cast<int64_t>(n))); }
  bool number_unsigned(number_unsigned_t n) override {
    if (n <= static_cast<number_unsigned_t>(INT64_MAX)) return put(Value(static_cast<int64_t>(n)));
    return put(Value(static_cast<double>(n)));
  }
  bool number_float(number_float_t d, const string_t&) override { return put(Value(d)); }
  bool string(string_t& s) override { return put(Value(std::move(s))); }
  bool binary(binary_t&) override { return false; }

  bool start_object(std::size_t) override { return open(Value::map()); }
  bool key(string_t& k) override {
    if (++count_ > limits_.max_keys) return over();
    key_ = std::move(k);
    return true;
  }
  bool end_object() override { return close(); }
  bool start_array(std::size_t) override { return open(Value::list()); }
  bool end_array() override { return close(); }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception&) override { return false; }

  Value take() { return std::move(root_); }
  bool over_limits() const { return over_limits_; }

 private:
  bool put(Value v) {
    if (stack_.empty()) {
      root_ = std::move(v);
      return true;
    }
    Value& top = *stack_.back();
    if (top.is_list()) {
      if (++count_ > limits_.max_keys) return over();
      top.get_list().push_back(std::move(v));
    } else {
      top.get_map()[key_] = std::move(v);
    }
    return true;
  }
  bool open(Value container) {
    if (stack_.size() >= limits_.max_depth) return over();
    if (stack_.empty()) {
      root_ = std::move(container);
      stack_.push_back(&root_);
      return true;
    }
    Value& top = *stack_.back();
    Value* slot;
    if (top.is_list()) {
      if (++count_ > limits_.max_keys) return over();
      top.get_list().push_back(std::move(container));
      slot = &top.get_list().back();
    } else {
      slot = &top.get_map()[key_];
      *slot = std::move(container);
    }
    stack_.push_back(slot);
    return true;
  }
  bool close() {
    stack_.pop_back();
    return true;
  }
  bool over() {
    over_limits_ = true;
    return false;
  }

  const JsonLimits& limits_;
  Value root_;
  std::vector<Value*> stack_;
  std::string key_;
  size_t count_ = 0;
  bool over_limits_ = false;
};

void write_u(std::string& out, unsigned cp) {
  static constexpr char kHex[] = "0123456789abcdef";
  const char buf[6] = {'\\', 'u', kHex[(cp >> 12) & 0xF], kHex[(cp >> 8) & 0xF], kHex[(cp >> 4) & 0xF], kHex[cp & 0xF]};
  out.append(buf, sizeof buf);
}

// The ASCII bytes written as they are (no escape in either mode), as a lookup table: this test
// runs for every byte of every response.
constexpr std::array<bool, 256> kPlainAscii = [] {
  std::array<bool, 256> t{};
  for (int c = 0x20; c < 0x80; ++c) t[c] = true;
  for (char c : std::string_view("\"\\/<>&'")) t[static_cast<unsigned char>(c)] = false;
  return t;
}();
inline bool plain_ascii(unsigned char c) { return kPlainAscii[c]; }

void write_string(std::string_view s, std::string& out, bool php_escape) {
  out += '"';
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (plain_ascii(c)) {  // copy a run of plain bytes at once
      size_t j = i + 1;
      while (j < s.size() && plain_ascii(static_cast<unsigned char>(s[j]))) ++j;
      out.append(s.data() + i, j - i);
      i = j;
      continue;
    }
    if (c < 0x80) {
      switch (c) {
        case '"':
          if (php_escape)
            write_u(out, c);
          else
            out += "\\\"";
          break;
        case '\\':
          out += "\\\\";
          break;
        case '\n':
          out += "\\n";
          break;
        case '\r':
          out += "\\r";
          break;
        case '\t':
          out += "\\t";
          break;
        case '\b':
          out += "\\b";
          break;
        case '\f':
          out += "\\f";
          break;
        case '/':
          out += php_escape ? "\\/" : "/";
          break;
        case '<':
        case '>':
        case '&':
        case '\'':
          if (php_escape)
            write_u(out, c);
          else
            out += static_cast<char>(c);
          break;
        default:
          if (c < 0x20)
            write_u(out, c);
          else
            out += static_cast<char>(c);
      }
      ++i;
      continue;
    }
    size_t len = (c & 0xE0) == 0xC0 ? 2 : (c & 0xF0) == 0xE0 ? 3 : (c & 0xF8) == 0xF0 ? 4 : 0;
    if (len == 0 || i + len > s.size() || !valid_utf8(s.substr(i, len))) {
      // Stored text is validated on input; this only guards against a broken byte slipping through.
      if (php_escape)
        write_u(out, 0xFFFD);
      else
        out += "\xEF\xBF\xBD";
      ++i;
      continue;
    }
    if (!php_escape) {
      out.append(s.substr(i, len));
      i += len;
      continue;
    }
    unsigned cp = len == 2 ? (c & 0x1F) : len == 3 ? (c & 0x0F) : (c & 0x07);
    for (size_t k = 1; k < len; ++k) cp = (cp << 6) | (static_cast<unsigned char>(s[i + k]) & 0x3F);
    if (cp >= 0x10000) {
      cp -= 0x10000;
      write_u(out, 0xD800 + (cp >> 10));
      write_u(out, 0xDC00 + (cp & 0x3FF));
    } else {
      write_u(out, cp);
    }
    i += len;
  }
  out += '"';
}

void write_value(const Value& v, std::string& out, bool php_escape) {
  switch (v.kind()) {
    case Value::Kind::kNull:
      out += "null";
      break;
    case Value::Kind::kBool:
      out += v.get_bool() ? "true" : "false";
      break;
    case Value::Kind::kInt: {
      char buf[24];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v.get_int());
      out.append(buf, end);
      break;
    }
    case Value::Kind::kDouble: {
      double d = v.get_double();
      char buf[64];
      auto [end, ec] = std::to_chars(buf, buf + sizeof buf, d);  // shortest text that reads back
      if (!std::isfinite(d) || ec != std::errc()) {
        out += "0";
      } else {
        out.append(buf, end);
        if (std::find_if(buf, end, [](char c) { return c == '.' || c == 'e' || c == 'E'; }) == end) out += ".0";
      }
      break;
    }
    case Value::Kind::kString:
      write_string(v.get_string(), out, php_escape);
      break;
    case Value::Kind::kList: {
      out += '[';
      bool first = true;
      for (const Value& e : v.get_list()) {
        if (!first) out += ',';
        first = false;
        write_value(e, out, php_escape);
      }
      out += ']';
      break;
    }
    case Value::Kind::kMap: {
      const Map& m = v.get_map();
      if (!m.is_object() && m.is_sequential()) {  // PHP: empty or 0..n-1 keyed arrays are lists
        out += '[';
        for (size_t i = 0; i < m.size(); ++i) {
          if (i) out += ',';
          write_value(m.value_at(i), out, php_escape);
        }
        out += ']';
        break;
      }
      out += '{';
      for (size_t i = 0; i < m.size(); ++i) {
        if (i) out += ',';
        write_string(m.key_at(i), out, php_escape);
        out += ':';
        write_value(m.value_at(i), out, php_escape);
      }
      out += '}';
      break;
    }
  }
}

}  // namespace

std::optional<Value> parse_json(std::string_view text, const JsonLimits& limits) {
  bool over_limits = false;
  return parse_json(text, limits, over_limits);
}

std::optional<Value> parse_json(std::string_view text, const JsonLimits& limits, bool& over_limits) {
  ValueBuilder builder(limits);
  bool ok = false;
  try {
    ok = nlohmann::json::sax_parse(text.begin(), text.end(), &builder, nlohmann::json::input_format_t::json, true);
  } catch (const std::exception&) {
    ok = false;
  }
  over_limits = builder.over_limits();
  if (!ok) return std::nullopt;
  return builder.take();
}

void write_json(const Value& v, std::string& out) { write_value(v, out, true); }

// write_json writes the shortest text that reads back as `d` (std::to_chars), which searches for it.
// For d = k / 10^6 (k whole, 1 <= d < 2^33) that text is k's digits with the point six places from
// the right and trailing zeros dropped: it reads back as d (k < 2^53 is exact, so d is k / 10^6
// correctly rounded, as reading the text rounds it), and nothing shorter or closer does: any other
// text with as many or fewer decimals is at least 10^-6 from it, and d is within half an ulp
// (<= 2^-21 < 5 * 10^-7 below 2^33) of it, so such a text is more than half an ulp from d. With a
// fraction the fixed form is shorter than the exponent form; a whole d is left to to_chars (it
// writes 1e+09, not 1000000000). tests/unit/value_test.cpp compares both on many values.
bool append_microsecond_time(double d, std::string& out) {
  if (!(d >= 1.0 && d < 8589934592.0)) return false;  // 2^33
  const auto k = static_cast<int64_t>(std::llround(d * 1e6));
  if (static_cast<double>(k) / 1e6 != d) return false;
  int64_t fraction = k % 1000000;
  if (fraction == 0) return false;
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, k / 1000000);
  *end++ = '.';
  int digits = 6;
  while (fraction % 10 == 0) {
    fraction /= 10;
    --digits;
  }
  for (int i = digits - 1; i >= 0; --i, fraction /= 10) end[i] = static_cast<char>('0' + fraction % 10);
  out.append(buf, end + digits);
  return true;
}

std::string to_json(const Value& v) {
  std::string out;
  write_value(v, out, true);
  return out;
}

std::string to_plain_json(const Value& v) {
  std::string out;
  write_value(v, out, false);
  return out;
}

}  // namespace imhub
