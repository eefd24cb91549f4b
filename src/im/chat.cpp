#include "im/chat.hpp"

#include "im/change_feed.hpp"

#include "core/clock.hpp"
#include "core/strings.hpp"
#include "store/row_mapping.hpp"

namespace imhub {
namespace {

const RowMapping<Chat> kChatRow{
    {"id", &Chat::id},
    {"type", &Chat::type},
    {"title", &Chat::title},
    {"description", &Chat::description},
    {"color", &Chat::color},
    {"avatar", &Chat::avatar},
    {"owner_id", &Chat::owner_id},
    {"author_id", &Chat::author_id},
    {"entity_type", &Chat::entity_type},
    {"entity_id", &Chat::entity_id},
    {"entity_data_1", &Chat::entity_data_1},
    {"entity_data_2", &Chat::entity_data_2},
    {"entity_data_3", &Chat::entity_data_3},
    {"last_seq", &Chat::last_seq},
    {"last_message_id", &Chat::last_message_id},
    {"created_at", &Chat::created_at},
    {"last_message_at", &Chat::last_message_at},
};

const RowMapping<ChatMember> kMemberRow{
    {"chat_id", &ChatMember::chat_id},
    {"user_id", &ChatMember::user_id},
    {"joined_at", &ChatMember::joined_at},
    {"first_visible_id", &ChatMember::first_visible_id},
    {"last_read_seq", &ChatMember::last_read_seq},
    {"last_read_id", &ChatMember::last_read_id},
    {"muted", &ChatMember::muted},
    {"pinned", &ChatMember::pinned},
    {"hidden_at_seq", &ChatMember::hidden_at_seq},
    {"marked_unread", &ChatMember::marked_unread},
};

}  // namespace

std::string chat_columns(std::string_view alias) { return kChatRow.list(alias); }
std::string member_columns(std::string_view alias) { return kMemberRow.list(alias); }

Chat read_chat(const Row& r, size_t at) { return kChatRow.read(r, at); }

ChatMember read_member(const Row& r, size_t at) { return kMemberRow.read(r, at); }

const std::vector<std::string>& chat_colors() {
  static const std::vector<std::string> kColors = {"RED",  "GREEN",   "MINT", "LIGHT_BLUE", "DARK_BLUE", "PURPLE",
                                                   "AQUA", "PINK",    "LIME", "BROWN",      "AZURE",     "KHAKI",
                                                   "SAND", "MARENGO", "GRAY", "GRAPHITE"};
  return kColors;
}

std::string chat_color_hex(const std::string& name) {
  static const std::vector<std::pair<std::string, std::string>> kHex = {
      {"RED", "#df532d"},       {"GREEN", "#64a513"},   {"MINT", "#4ba984"},  {"LIGHT_BLUE", "#4ba5c3"},
      {"DARK_BLUE", "#3e99ce"}, {"PURPLE", "#8474c8"},  {"AQUA", "#1eb4aa"},  {"PINK", "#f76187"},
      {"LIME", "#58cc47"},      {"BROWN", "#ab7761"},   {"AZURE", "#29619b"}, {"KHAKI", "#728f7a"},
      {"SAND", "#ba9c7b"},      {"MARENGO", "#556574"}, {"GRAY", "#909090"},  {"GRAPHITE", "#5e5f5e"}};
  for (const auto& [n, hex] : kHex)
    if (n == name) return hex;
  return "#4ba984";
}

std::optional<std::string> normalize_color(const std::string& name) {
  const std::string upper = to_upper(trim(name));
  for (const auto& c : chat_colors())
    if (c == upper) return c;
  return std::nullopt;
}

std::optional<Chat> find_chat(Conn& c, int64_t id) {
  static const std::string sql = "SELECT " + chat_columns("") + " FROM chats WHERE id = $1";
  auto row = c.query_one(sql, {id});
  if (!row) return std::nullopt;
  return read_chat(*row);
}

std::optional<ChatMember> find_member(Conn& c, int64_t chat_id, int64_t user_id) {
  static const std::string sql =
      "SELECT " + member_columns("") + " FROM chat_members WHERE chat_id = $1 AND user_id = $2";
  auto r = c.query_one(sql, {chat_id, user_id});
  if (!r) return std::nullopt;
  return read_member(*r);
}

std::vector<int64_t> member_ids(Conn& c, int64_t chat_id) {
  std::vector<int64_t> out;
  for (const Row& r :
       c.query("SELECT user_id FROM chat_members WHERE chat_id = $1 ORDER BY joined_at, user_id", {chat_id}))
    out.push_back(r.i64(0));
  return out;
}

std::vector<ChatMember> chat_members(Conn& c, int64_t chat_id) {
  static const std::string sql =
      "SELECT " + member_columns("") + " FROM chat_members WHERE chat_id = $1 ORDER BY joined_at, user_id";
  std::vector<ChatMember> out;
  for (const Row& r : c.query(sql, {chat_id})) out.push_back(read_member(r));
  return out;
}

std::optional<int64_t> find_chat_by_entity(Conn& c, const std::string& entity_type, const std::string& entity_id) {
  auto r = c.query_one("SELECT id FROM chats WHERE entity_type = $1 AND entity_id = $2 ORDER BY id DESC LIMIT 1",
                       {entity_type, entity_id});
  if (!r) return std::nullopt;
  return r->i64(0);
}

bool can_read(Conn& c, const Chat& chat, int64_t user_id) {
  return chat.type == "O" || find_member(c, chat.id, user_id).has_value();
}

int64_t insert_chat(Tx& tx, Chat& chat, const std::vector<int64_t>& members) {
  Conn& c = tx.conn;
  chat.created_at = now_unix_seconds();
  auto row = c.query_one(
      "INSERT INTO chats (type, title, description, color, avatar, owner_id, author_id, entity_type, entity_id, "
      "entity_data_1, entity_data_2, entity_data_3, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, "
      "$12, $13) RETURNING id",
      {chat.type, chat.title, chat.description, chat.color, chat.avatar, chat.owner_id, chat.author_id,
       chat.entity_type, chat.entity_id, chat.entity_data_1, chat.entity_data_2, chat.entity_data_3, chat.created_at});
  chat.id = row->i64(0);
  if (chat.owner_id > 0) add_member(c, chat.id, chat.owner_id, 0);
  for (int64_t u : members)
    if (u != chat.owner_id) add_member(c, chat.id, u, 0);
  tx.raise(ChatCreated{chat, members});
  return chat.id;
}

void add_member(Conn& c, int64_t chat_id, int64_t user_id, int64_t first_visible_id) {
  c.exec(
      "INSERT INTO chat_members (chat_id, user_id, joined_at, first_visible_id) VALUES ($1, $2, $3, $4) "
      "ON CONFLICT (chat_id, user_id) DO NOTHING",
      {chat_id, user_id, now_unix_seconds(), first_visible_id});
}

}  // namespace imhub
