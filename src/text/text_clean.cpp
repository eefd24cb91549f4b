#include "text/text_clean.hpp"

#include <cctype>
#include <charconv>
#include <functional>
#include <optional>

#include "core/strings.hpp"

namespace imhub {

namespace {

// English texts of the reference server's localisation (IM_MESSAGE_ATTACH, IM_QUOTE, …).
constexpr std::string_view kAttachment = "[Attachment]";
constexpr std::string_view kFile = "[File]";
constexpr std::string_view kQuote = "[Quote]";
constexpr std::string_view kRating = "[Rating]";
constexpr std::string_view kIcon = "icon";
constexpr std::string_view kDeleted = "Message deleted";

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

size_t find_ci(std::string_view hay, std::string_view needle, size_t from) {
  if (needle.empty() || hay.size() < needle.size()) return std::string_view::npos;
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && lower(hay[i + k]) == lower(needle[k])) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

bool all_digits(std::string_view s) {
  if (s.empty()) return false;
  for (char c : s)
    if (c < '0' || c > '9') return false;
  return true;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  std::string out;
  out.reserve(s.size());
  size_t at = 0;
  for (size_t p = s.find(from); p != std::string::npos; p = s.find(from, at)) {
    out.append(s, at, p - at);
    out.append(to);
    at = p + from.size();
  }
  out.append(s, at, std::string::npos);
  s = std::move(out);
}

// How a tag's argument (the text after "=" up to "]", nullopt for a bare tag) is accepted.
using ArgCheck = bool (*)(const std::optional<std::string_view>& arg);
// What a matched pair becomes, from its argument and its body.
using PairFn = std::function<std::string(std::optional<std::string_view> arg, std::string_view body)>;

bool no_arg(const std::optional<std::string_view>& a) { return !a; }
bool any_arg(const std::optional<std::string_view>&) { return true; }
bool some_arg(const std::optional<std::string_view>& a) { return a.has_value(); }
bool numeric_arg(const std::optional<std::string_view>& a) { return a && all_digits(*a); }
bool user_arg(const std::optional<std::string_view>& a) {
  if (!a) return false;
  std::string_view v = *a;
  size_t sp = v.find(' ');
  if (sp == std::string_view::npos) return all_digits(v);
  return all_digits(v.substr(0, sp)) && iequals(v.substr(sp + 1), "REPLACE");
}
bool color_arg(const std::optional<std::string_view>& a) {
  if (!a) return false;
  std::string_view v = trim(*a);
  if ((v.size() != 4 && v.size() != 7) || v[0] != '#') return false;
  for (size_t i = 1; i < v.size(); ++i)
    if (!std::isxdigit(static_cast<unsigned char>(v[i]))) return false;
  return true;
}

// Replaces every `[name…]body[/name]` (the nearest closing tag: non-greedy, as the reference's
// regular expressions) whose argument passes `check`. Scanning resumes at the replacement, so
// tags nested in the body are handled too.
void replace_pairs(std::string& s, std::string_view name, ArgCheck check, const PairFn& fn) {
  const std::string open = "[" + std::string(name);
  const std::string close = "[/" + std::string(name) + "]";
  size_t pos = 0;
  while ((pos = find_ci(s, open, pos)) != std::string::npos) {
    size_t after = pos + open.size();
    size_t end = s.find(']', after);
    if (after >= s.size() || end == std::string::npos || (s[after] != ']' && s[after] != '=')) {
      ++pos;
      continue;
    }
    std::optional<std::string_view> arg;
    if (s[after] == '=') arg = std::string_view(s).substr(after + 1, end - after - 1);
    size_t body_start = end + 1;
    size_t close_pos = find_ci(s, close, body_start);
    // No closing tag after this opening one means none after any later one either.
    if (close_pos == std::string::npos) break;
    if (!check(arg)) {
      ++pos;
      continue;
    }
    std::string replacement = fn(arg, std::string_view(s).substr(body_start, close_pos - body_start));
    s.replace(pos, close_pos + close.size() - pos, replacement);
  }
}

std::string keep_body(std::optional<std::string_view>, std::string_view body) { return std::string(body); }

// Replaces every single tag `[name=…]` whose argument passes `check`.
void replace_singles(std::string& s, std::string_view name, ArgCheck check,
                     const std::function<std::string(std::string_view arg)>& fn) {
  const std::string open = "[" + std::string(name) + "=";
  size_t pos = 0;
  while ((pos = find_ci(s, open, pos)) != std::string::npos) {
    size_t end = s.find(']', pos + open.size());
    if (end == std::string::npos) break;
    std::string_view arg = std::string_view(s).substr(pos + open.size(), end - pos - open.size());
    if (!check(arg)) {
      ++pos;
      continue;
    }
    std::string replacement = fn(arg);
    s.replace(pos, end + 1 - pos, replacement);
    pos += replacement.size();
  }
}

// `[ICON=url size=N title=Some text]`: the title, cut before any width=/height=/size= that
// follows it.
std::string icon_label(std::string_view arg) {
  size_t t = find_ci(arg, "title=", 0);
  if (t == std::string_view::npos) return "(" + std::string(kIcon) + ")";
  std::string_view title = arg.substr(t + 6);
  for (std::string_view stop : {"width=", "height=", "size="}) {
    size_t p = find_ci(title, stop, 0);
    if (p != std::string_view::npos) title = title.substr(0, p);
  }
  title = trim(title);
  if (title.empty()) return "(" + std::string(kIcon) + ")";
  return "(" + std::string(title) + ")";
}

// A quote block: a line of 54 dashes, something, and the next line of 54 dashes.
void replace_quotes(std::string& s) {
  const std::string dashes(54, '-');
  size_t pos = 0;
  while ((pos = s.find(dashes, pos)) != std::string::npos) {
    size_t close = s.find(dashes, pos + dashes.size() + 1);
    if (close == std::string::npos) break;
    const std::string replacement = " " + std::string(kQuote) + " ";
    s.replace(pos, close + dashes.size() - pos, replacement);
    pos += replacement.size();
  }
}

}  // namespace

std::string clean_message_text(std::string_view bb_text, bool has_attach, bool has_files, const UserNameFn& user_name) {
  std::string s(bb_text);
  replace_all(s, "\r\n", " ");
  replace_all(s, "\n", " ");
  replace_all(s, "\r", " ");
  if (has_attach) s += " " + std::string(kAttachment);

  replace_pairs(s, "s", no_arg, [](auto, auto) { return std::string(); });
  for (std::string_view tag : {"b", "u", "i", "s"}) replace_pairs(s, tag, no_arg, keep_body);
  replace_pairs(s, "url", any_arg, keep_body);
  replace_pairs(s, "user", user_arg, [&](std::optional<std::string_view> arg, std::string_view body) {
    if (!body.empty() || !user_name) return std::string(body);
    std::string_view digits = arg->substr(0, arg->find(' '));
    int64_t id = 0;
    std::from_chars(digits.data(), digits.data() + digits.size(), id);
    return user_name(id);
  });
  replace_pairs(s, "chat", numeric_arg, keep_body);
  for (std::string_view tag : {"send", "put", "call"}) replace_pairs(s, tag, any_arg, keep_body);
  replace_pairs(s, "pch", numeric_arg, keep_body);
  replace_pairs(s, "dialog", some_arg, keep_body);
  replace_pairs(s, "context", some_arg, keep_body);
  replace_singles(s, "icon", any_arg, icon_label);
  replace_all(s, "#BR#", " ");
  replace_quotes(s);
  replace_pairs(s, "color", color_arg, keep_body);
  replace_pairs(s, "size", numeric_arg, keep_body);
  replace_singles(
      s, "rating",
      [](const std::optional<std::string_view>& a) { return a && a->size() == 1 && (*a)[0] >= '1' && (*a)[0] <= '5'; },
      [](std::string_view) { return " " + std::string(kRating) + " "; });
  replace_singles(s, "attach", numeric_arg, [](std::string_view) { return " " + std::string(kAttachment) + " "; });
  if (has_files) s += " " + std::string(kFile);

  std::string out(trim(s));
  if (out.empty()) return std::string(kDeleted);
  return out;
}

}  // namespace imhub
