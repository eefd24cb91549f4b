#include "im/message.hpp"

#include <algorithm>
#include "core/clock.hpp"

#include "core/json.hpp"
#include "core/strings.hpp"
#include "store/row_mapping.hpp"

namespace imhub {
namespace {

// Byte offset of code point number `n` (the text is valid UTF-8: checked on input).
size_t offset_of_char(std::string_view s, size_t n) {
  size_t i = 0;
  while (i < s.size() && n > 0) {
    ++i;
    while (i < s.size() && (static_cast<unsigned char>(s[i]) & 0xC0) == 0x80) ++i;
    --n;
  }
  return i;
}

size_t char_count(std::string_view s) {
  size_t n = 0;
  for (char ch : s)
    if ((static_cast<unsigned char>(ch) & 0xC0) != 0x80) ++n;
  return n;
}

void replace_all(std::string& s, std::string_view from, std::string_view to) {
  for (size_t pos = 0; (pos = s.find(from, pos)) != std::string::npos; pos += to.size())
    s.replace(pos, from.size(), to);
}

}  // namespace

std::string normalize_message_text(std::string_view text) {
  std::string out(text);
  replace_all(out, "[BR]", "\n");
  replace_all(out, "[br]", "\n");
  replace_all(out, "#BR#", "\n");
  out = std::string(trim(out));
  // Cut only when the suffix would not make the text longer than it was (CIMMessenger::Add).
  if (char_count(out) > kMaxMessageChars + 6) out = out.substr(0, offset_of_char(out, kMaxMessageChars)) + " (...)";
  return out;
}

namespace {

const RowMapping<Message> kMessageRow{
    {"id", &Message::id},
    {"chat_id", &Message::chat_id},
    {"seq", &Message::seq},
    {"author_id", &Message::author_id},
    {"text", &Message::text},
    {"params",
     [](Message& m, const Row& r, size_t i) {
       if (const std::string& p = r.str(i); !p.empty())
         if (auto parsed = parse_json(p); parsed && parsed->is_map()) m.params = std::move(*parsed);
     }},
    {"system", &Message::system},
    {"created_at", &Message::created_at},
    {"edited_at", &Message::edited_at},
    {"deleted", &Message::deleted},
};

std::vector<Message> read_messages(const Rows& rows) {
  std::vector<Message> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(read_message(r));
  return out;
}

std::string select_messages(std::string_view where_order) {
  return kMessageRow.select("messages") + "WHERE " + std::string(where_order);
}

}  // namespace

std::string message_columns(std::string_view alias) { return kMessageRow.list(alias); }

Message read_message(const Row& r, size_t at) { return kMessageRow.read(r, at); }

std::optional<Message> find_message(Conn& c, int64_t id) {
  auto row = c.query_one(select_messages("id = $1"), {id});
  if (!row) return std::nullopt;
  return read_message(*row);
}

std::optional<int64_t> find_message_by_template(Conn& c, int64_t author_id, const std::string& template_id) {
  auto row = c.query_one("SELECT id FROM messages WHERE author_id = $1 AND template_id = $2", {author_id, template_id});
  if (!row) return std::nullopt;
  return row->i64(0);
}

std::vector<Message> load_history(Conn& c, int64_t chat_id, const HistoryPage& page) {
  const int64_t floor = page.first_visible_id;
  if (page.after_id >= 0) {
    // Oldest first from the index, then newest first like every other page.
    auto out = read_messages(c.query(select_messages("chat_id = $1 AND id > $2 AND id >= $3 ORDER BY id LIMIT $4"),
                                     {chat_id, page.after_id, floor, int64_t{page.limit}}));
    std::reverse(out.begin(), out.end());
    return out;
  }
  if (page.before_id > 0)
    return read_messages(c.query(select_messages("chat_id = $1 AND id < $2 AND id >= $3 ORDER BY id DESC LIMIT $4"),
                                 {chat_id, page.before_id, floor, int64_t{page.limit}}));
  return read_messages(c.query(select_messages("chat_id = $1 AND id >= $2 ORDER BY id DESC LIMIT $3"),
                               {chat_id, floor, int64_t{page.limit}}));
}

std::optional<Message> last_message(Conn& c, int64_t chat_id) {
  auto row = c.query_one(select_messages("chat_id = $1 ORDER BY id DESC LIMIT 1"), {chat_id});
  if (!row) return std::nullopt;
  return read_message(*row);
}

std::string params_to_json(const Value& params) {
  if (!params.is_map() || params.size() == 0) return "";
  return to_json(params);
}

void save_message(Conn& c, const Message& m) {
  c.exec("UPDATE messages SET text = $2, params = $3, edited_at = $4, deleted = $5 WHERE id = $1",
         {m.id, m.text, params_to_json(m.params), m.edited_at, int64_t{m.deleted ? 1 : 0}});
}

void erase_message(Conn& c, const Message& m) {
  c.exec("DELETE FROM messages WHERE id = $1", {m.id});
  // The chat's last message moves back so the recent list shows what is left.
  c.exec(
      "UPDATE chats SET last_message_id = COALESCE((SELECT MAX(id) FROM messages WHERE chat_id = $1), 0) "
      "WHERE id = $1",
      {m.chat_id});
}

}  // namespace imhub
