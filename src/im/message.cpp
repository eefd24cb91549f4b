#include "im/message.hpp"

#include "core/clock.hpp"
#include "core/strings.hpp"

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

int64_t append_message(Conn& c, const NewMessage& m) {
  auto seq_row = c.query_one("UPDATE chats SET last_seq = last_seq + 1 WHERE id = $1 RETURNING last_seq", {m.chat_id});
  if (!seq_row) throw StoreError("append_message: chat " + std::to_string(m.chat_id) + " does not exist");
  const int64_t seq = seq_row->i64(0);
  auto row = c.query_one(
      "INSERT INTO messages (chat_id, seq, author_id, text, params, system, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
      {m.chat_id, seq, m.author_id, m.text, m.params_json, int64_t{m.system ? 1 : 0}, now_unix_seconds()});
  const int64_t id = row->i64(0);
  c.exec("UPDATE chats SET last_message_id = $2 WHERE id = $1", {m.chat_id, id});
  // Writing a message means having read the chat up to it.
  if (m.author_id > 0)
    c.exec("UPDATE chat_members SET last_read_seq = $3, last_read_id = $4 WHERE chat_id = $1 AND user_id = $2",
           {m.chat_id, m.author_id, seq, id});
  return id;
}

}  // namespace imhub
