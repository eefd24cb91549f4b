#include "im/dialog.hpp"

#include "im/change_feed.hpp"
#include "im/message.hpp"
#include "im/write_path_cache.hpp"

#include <charconv>

#include "core/strings.hpp"

namespace imhub {
namespace {

std::optional<int64_t> digits(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int64_t v = 0;
  auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), v);
  if (ec != std::errc() || p != s.data() + s.size() || v <= 0) return std::nullopt;
  return v;
}

}  // namespace

std::optional<DialogRef> parse_dialog_id(std::string_view text) {
  text = trim(text);
  if (text.size() > 4 && iequals(text.substr(0, 4), "chat")) {
    auto id = digits(text.substr(4));
    if (!id) return std::nullopt;
    return DialogRef{true, *id};
  }
  auto id = digits(text);
  if (!id) return std::nullopt;
  return DialogRef{false, *id};
}

std::string private_key(int64_t a, int64_t b) {
  return std::to_string(std::min(a, b)) + ":" + std::to_string(std::max(a, b));
}

int64_t stored_private_chat_id(Conn& c, int64_t a, int64_t b) {
  auto row = c.query_one("SELECT id FROM chats WHERE private_key = $1", {private_key(a, b)});
  return row ? row->i64(0) : 0;
}

std::optional<Chat> find_private_chat(Conn& c, int64_t a, int64_t b) {
  const int64_t id = stored_private_chat_id(c, a, b);
  if (id == 0) return std::nullopt;
  return find_chat(c, id);
}

Chat ensure_private_chat(Tx& tx, int64_t a, int64_t b) {
  Conn& c = tx.conn;
  if (auto chat = write_path_private_chat(c, a, b)) return *chat;
  Chat chat;
  chat.type = "P";
  chat.author_id = a;
  chat.owner_id = 0;
  std::vector<int64_t> members{a};
  if (b != a) members.push_back(b);
  insert_chat(tx, chat, members);
  c.exec("UPDATE chats SET private_key = $2 WHERE id = $1", {chat.id, private_key(a, b)});
  return chat;
}

std::string dialog_id_of(Conn& c, const Chat& chat, int64_t viewer) {
  if (chat.type != "P") return "chat" + std::to_string(chat.id);
  for (int64_t id : member_ids(c, chat.id))
    if (id != viewer) return std::to_string(id);
  return std::to_string(viewer);
}

std::optional<Chat> readable_chat(Conn& c, const DialogRef& d, int64_t user_id) {
  std::optional<Chat> chat = d.is_chat ? find_chat(c, d.id) : find_private_chat(c, user_id, d.id);
  if (!chat || !can_read(c, *chat, user_id)) return std::nullopt;
  return chat;
}

std::optional<Membership> membership(Conn& c, const DialogRef& d, int64_t user_id) {
  std::optional<Chat> chat = d.is_chat ? find_chat(c, d.id) : find_private_chat(c, user_id, d.id);
  if (!chat) return std::nullopt;
  auto member = find_member(c, chat->id, user_id);
  if (!member) return std::nullopt;
  return Membership{std::move(*chat), *member};
}

std::optional<VisibleMessage> visible_message(Conn& c, int64_t message_id, int64_t user_id) {
  auto m = find_message(c, message_id);
  if (!m) return std::nullopt;
  auto chat = find_chat(c, m->chat_id);
  if (!chat) return std::nullopt;
  auto member = find_member(c, chat->id, user_id);
  // HIDE_HISTORY: what was said before the member joined stays hidden from them.
  if (!member || m->id < member->first_visible_id) return std::nullopt;
  return VisibleMessage{std::move(*m), std::move(*chat)};
}

}  // namespace imhub
