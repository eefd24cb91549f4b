#include "previews/html_meta.hpp"

#include <cstdint>
#include <map>
#include <optional>

#include "core/strings.hpp"

namespace imhub {

namespace {

bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f'; }

char lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

size_t find_ci(std::string_view hay, std::string_view needle, size_t from) {
  for (size_t i = from; i + needle.size() <= hay.size(); ++i) {
    size_t k = 0;
    while (k < needle.size() && lower(hay[i + k]) == lower(needle[k])) ++k;
    if (k == needle.size()) return i;
  }
  return std::string_view::npos;
}

// Character references name any number: what is not a character becomes U+FFFD.
void append_code_point(std::string& out, uint32_t cp) {
  if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) cp = 0xFFFD;
  append_utf8(out, cp);
}

// Whitespace runs become one space; the ends are trimmed.
std::string collapse(std::string_view s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (is_space(c)) {
      space = !out.empty();
      continue;
    }
    if (space) out += ' ';
    space = false;
    out += c;
  }
  return out;
}

using Attrs = std::map<std::string, std::string>;

// Parses the attributes of a tag body (the text between the tag name and '>').
Attrs parse_attrs(std::string_view s) {
  Attrs attrs;
  size_t i = 0;
  while (i < s.size()) {
    while (i < s.size() && (is_space(s[i]) || s[i] == '/')) ++i;
    size_t name_start = i;
    while (i < s.size() && !is_space(s[i]) && s[i] != '=' && s[i] != '/') ++i;
    std::string name = to_lower(s.substr(name_start, i - name_start));
    while (i < s.size() && is_space(s[i])) ++i;
    std::string value;
    if (i < s.size() && s[i] == '=') {
      ++i;
      while (i < s.size() && is_space(s[i])) ++i;
      if (i < s.size() && (s[i] == '"' || s[i] == '\'')) {
        char q = s[i++];
        size_t end = s.find(q, i);
        if (end == std::string_view::npos) end = s.size();
        value = std::string(s.substr(i, end - i));
        i = end < s.size() ? end + 1 : end;
      } else {
        size_t start = i;
        while (i < s.size() && !is_space(s[i])) ++i;
        value = std::string(s.substr(start, i - start));
      }
    }
    if (!name.empty() && !attrs.count(name)) attrs[name] = decode_html_entities(value);
    if (name.empty() && i == name_start) ++i;  // stray character: move on
  }
  return attrs;
}

std::string charset_of_content_type(std::string_view content) {
  size_t p = find_ci(content, "charset=", 0);
  if (p == std::string_view::npos) return "";
  std::string_view v = content.substr(p + 8);
  size_t end = 0;
  while (end < v.size() && !is_space(v[end]) && v[end] != ';' && v[end] != '"' && v[end] != '\'') ++end;
  return to_lower(v.substr(0, end));
}

}  // namespace

std::string decode_html_entities(std::string_view text) {
  static const std::map<std::string, uint32_t, std::less<>> kNamed = {
      {"amp", '&'},       {"lt", '<'},       {"gt", '>'},       {"quot", '"'},     {"apos", '\''},
      {"nbsp", 0xA0},     {"laquo", 0xAB},   {"raquo", 0xBB},   {"mdash", 0x2014}, {"ndash", 0x2013},
      {"hellip", 0x2026}, {"copy", 0xA9},    {"reg", 0xAE},     {"trade", 0x2122}, {"rsquo", 0x2019},
      {"lsquo", 0x2018},  {"rdquo", 0x201D}, {"ldquo", 0x201C}, {"bull", 0x2022},  {"euro", 0x20AC}};
  std::string out;
  out.reserve(text.size());
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '&') {
      out += text[i];
      continue;
    }
    size_t semi = text.find(';', i + 1);
    if (semi == std::string_view::npos || semi - i > 12) {
      out += '&';
      continue;
    }
    std::string_view ref = text.substr(i + 1, semi - i - 1);
    std::optional<uint32_t> cp;
    if (!ref.empty() && ref[0] == '#') {
      bool hex = ref.size() > 1 && (ref[1] == 'x' || ref[1] == 'X');
      std::string_view digits = ref.substr(hex ? 2 : 1);
      uint32_t v = 0;
      bool ok = !digits.empty();
      for (char c : digits) {
        int d = c >= '0' && c <= '9'          ? c - '0'
                : hex && c >= 'a' && c <= 'f' ? c - 'a' + 10
                : hex && c >= 'A' && c <= 'F' ? c - 'A' + 10
                                              : -1;
        if (d < 0 || v > 0x10FFFF) {
          ok = false;
          break;
        }
        v = v * (hex ? 16 : 10) + static_cast<uint32_t>(d);
      }
      if (ok) cp = v;
    } else if (auto it = kNamed.find(ref); it != kNamed.end()) {
      cp = it->second;
    }
    if (!cp) {
      out += '&';
      continue;
    }
    append_code_point(out, *cp);
    i = semi;
  }
  return out;
}

HtmlMeta parse_html_meta(std::string_view html) {
  HtmlMeta meta;
  std::string og_title, og_desc, og_image, plain_title, plain_desc, image_src;
  size_t i = 0;
  while ((i = html.find('<', i)) != std::string_view::npos) {
    if (html.substr(i, 4) == "<!--") {
      size_t end = html.find("-->", i + 4);
      if (end == std::string_view::npos) break;
      i = end + 3;
      continue;
    }
    size_t name_end = i + 1;
    while (name_end < html.size() && !is_space(html[name_end]) && html[name_end] != '>' && html[name_end] != '/')
      ++name_end;
    std::string name = to_lower(html.substr(i + 1, name_end - i - 1));
    size_t close = html.find('>', name_end);
    if (close == std::string_view::npos) break;
    std::string_view body = html.substr(name_end, close - name_end);
    if (name == "script" || name == "style") {
      size_t end = find_ci(html, "</" + name, close + 1);
      i = end == std::string_view::npos ? html.size() : end + 1;
      continue;
    }
    if (name == "body") break;  // everything a preview needs lives in <head>
    if (name == "title" && plain_title.empty()) {
      size_t end = find_ci(html, "</title", close + 1);
      if (end == std::string_view::npos) end = html.size();
      plain_title = collapse(decode_html_entities(html.substr(close + 1, end - close - 1)));
      i = end;
      continue;
    }
    if (name == "meta") {
      Attrs a = parse_attrs(body);
      std::string key = to_lower(a.count("property") ? a["property"] : a.count("name") ? a["name"] : "");
      const std::string content = collapse(a["content"]);
      if (a.count("charset")) meta.charset = to_lower(trim(a["charset"]));
      if (to_lower(a["http-equiv"]) == "content-type" && meta.charset.empty())
        meta.charset = charset_of_content_type(a["content"]);
      if (!content.empty()) {
        if (key == "og:title" && og_title.empty()) og_title = content;
        if (key == "og:description" && og_desc.empty()) og_desc = content;
        if ((key == "og:image" || key == "og:image:url" || key == "og:image:secure_url") && og_image.empty())
          og_image = content;
        if (key == "description" && plain_desc.empty()) plain_desc = content;
        if (key == "twitter:image" && image_src.empty()) image_src = content;
      }
    } else if (name == "link") {
      Attrs a = parse_attrs(body);
      if (to_lower(a["rel"]) == "image_src" && image_src.empty()) image_src = trim(a["href"]);
    }
    i = close + 1;
  }
  meta.title = !og_title.empty() ? og_title : plain_title;
  meta.description = !og_desc.empty() ? og_desc : plain_desc;
  meta.image = !og_image.empty() ? og_image : image_src;
  return meta;
}

}  // namespace imhub
