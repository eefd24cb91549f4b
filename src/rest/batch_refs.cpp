#include "rest/batch_refs.hpp"

#include <optional>

#include "core/strings.hpp"

namespace imhub {
namespace {

struct Ref {
  size_t begin, end;  // span in the text
  const Value* value;
};

const Value* accumulator(const BatchState& s, std::string_view name) {
  if (iequals(name, "result")) return &s.result;
  if (iequals(name, "next")) return &s.result_next;
  if (iequals(name, "total")) return &s.result_total;
  if (iequals(name, "time")) return &s.result_time;
  if (iequals(name, "error")) return &s.result_error;
  return nullptr;
}

// Parses a reference starting at text[pos] == '$'.
std::optional<Ref> parse_ref(const std::string& text, size_t pos, const BatchState& s) {
  size_t p = pos + 1;
  size_t name_end = p;
  while (name_end < text.size() &&
         ((text[name_end] >= 'a' && text[name_end] <= 'z') || (text[name_end] >= 'A' && text[name_end] <= 'Z')))
    ++name_end;
  const Value* acc = accumulator(s, std::string_view(text).substr(p, name_end - p));
  if (!acc || name_end >= text.size() || text[name_end] != '[') return std::nullopt;
  const Value* cur = acc;
  bool found_any = false;
  bool lost = false;
  p = name_end;
  while (p < text.size() && text[p] == '[') {
    size_t close = text.find(']', p);
    if (close == std::string::npos) break;
    std::string seg = text.substr(p + 1, close - p - 1);
    if (seg.find_first_of(" \t\r\n") != std::string::npos) break;  // a reference ends at whitespace
    if (!lost) {
      const Value* next = cur->find(seg);
      if (next) {
        cur = next;
        found_any = true;
      } else {
        lost = true;  // stop at the last level found
      }
    }
    p = close + 1;
  }
  if (!found_any) return std::nullopt;
  return Ref{pos, p, cur};
}

void substitute_string(Value& v, const BatchState& s) {
  const std::string& text = v.get_string();
  if (text.find('$') == std::string::npos) return;
  if (text[0] == '$') {
    auto whole = parse_ref(text, 0, s);
    if (whole && whole->end == text.size()) {
      v = *whole->value;
      return;
    }
  }
  std::string out;
  size_t i = 0;
  while (i < text.size()) {
    if (text[i] == '$') {
      auto ref = parse_ref(text, i, s);
      if (ref && (ref->value->is_string() || ref->value->is_number())) {
        out += ref->value->to_string();
        i = ref->end;
        continue;
      }
    }
    out += text[i++];
  }
  v = Value(std::move(out));
}

}  // namespace

void substitute_batch_refs(Value& params, const BatchState& state) {
  if (params.is_string()) {
    substitute_string(params, state);
  } else if (params.is_map()) {
    Map& m = params.get_map();
    for (size_t i = 0; i < m.size(); ++i) substitute_batch_refs(m.value_at(i), state);
  } else if (params.is_list()) {
    for (Value& e : params.get_list()) substitute_batch_refs(e, state);
  }
}

}  // namespace imhub
