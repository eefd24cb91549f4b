#include "bots/mentions.hpp"

#include <algorithm>
#include <charconv>

#include "core/strings.hpp"

namespace imhub {
namespace {

// A `[USER=<digits>]` opening tag at `pos`: its id and the offset just past `]`.
struct OpenTag {
  int64_t id = 0;
  size_t end = 0;
};

std::optional<OpenTag> open_tag_at(std::string_view text, size_t pos) {
  constexpr std::string_view kOpen = "[USER=";
  if (text.size() - pos < kOpen.size() || !iequals(text.substr(pos, kOpen.size()), kOpen)) return std::nullopt;
  size_t digits = pos + kOpen.size();
  size_t close = digits;
  while (close < text.size() && text[close] >= '0' && text[close] <= '9') ++close;
  if (close == digits || close >= text.size() || text[close] != ']') return std::nullopt;
  OpenTag tag;
  auto [p, ec] = std::from_chars(text.data() + digits, text.data() + close, tag.id);
  if (ec != std::errc() || p != text.data() + close) return std::nullopt;  // too many digits
  tag.end = close + 1;
  return tag;
}

// The next `[/USER]` from `from` on the same line; npos when the line ends first. `icase` as
// the platform's two regular expressions differ: detection ignores case, removal does not.
size_t close_tag_on_line(std::string_view text, size_t from, bool icase) {
  constexpr std::string_view kClose = "[/USER]";
  for (size_t i = from; i < text.size(); ++i) {
    if (text[i] == '\n') return std::string_view::npos;  // PCRE's `.` stops at LF only
    if (text.size() - i < kClose.size()) return std::string_view::npos;
    std::string_view here = text.substr(i, kClose.size());
    if (icase ? iequals(here, kClose) : here == kClose) return i;
  }
  return std::string_view::npos;
}

}  // namespace

std::vector<int64_t> mentioned_user_ids(std::string_view text) {
  std::vector<int64_t> out;
  size_t pos = 0;
  while ((pos = text.find('[', pos)) != std::string_view::npos) {
    auto tag = open_tag_at(text, pos);
    if (!tag) {
      ++pos;
      continue;
    }
    size_t close = close_tag_on_line(text, tag->end, true);
    if (close == std::string_view::npos) {
      pos = tag->end;
      continue;
    }
    if (std::find(out.begin(), out.end(), tag->id) == out.end()) out.push_back(tag->id);
    pos = close + 1;
  }
  return out;
}

std::optional<int64_t> first_mentioned_user(std::string_view text) {
  auto ids = mentioned_user_ids(text);
  if (ids.empty()) return std::nullopt;
  return ids.front();
}

std::string strip_mentions(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  size_t pos = 0;
  while (pos < text.size()) {
    // Case-sensitive, as `#\[(USER)=\d+\].+?\[/(USER)\],?#` is.
    if (text.compare(pos, 6, "[USER=") == 0) {
      if (auto tag = open_tag_at(text, pos)) {
        // `.+?`: at least one character of name, so the search starts one past the tag.
        size_t close = tag->end < text.size() && text[tag->end] != '\n' ? close_tag_on_line(text, tag->end + 1, false)
                                                                        : std::string_view::npos;
        if (close != std::string_view::npos) {
          pos = close + 7;
          if (pos < text.size() && text[pos] == ',') ++pos;
          continue;
        }
      }
    }
    out.push_back(text[pos++]);
  }
  return std::string(trim(out));
}

std::vector<CommandLine> command_lines(std::string_view text) {
  std::vector<CommandLine> out;
  size_t start = 0;
  while (start <= text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.front() == '/') {
      std::string_view rest = line.substr(1);
      size_t space = rest.find(' ');
      CommandLine cmd;
      cmd.command = std::string(rest.substr(0, space));
      if (space != std::string_view::npos) cmd.params = std::string(rest.substr(space + 1));
      out.push_back(std::move(cmd));
    }
    if (end == text.size()) break;
    start = end + 1;
  }
  return out;
}

}  // namespace imhub
