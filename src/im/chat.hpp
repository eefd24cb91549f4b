// Chats and their members: the stored records and the rules of who may see and change them.
// Chat types (protocol.md §11): P private dialog of two users, C chat by invitation, O open
// chat anyone may read and join. Dialog ids: "N" is the private dialog with user N, "chatN"
// is chat N.
#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "store/store.hpp"

namespace imhub {

class Tx;  // im/change_feed.hpp

struct Chat {
  int64_t id = 0;
  std::string type;  // "P", "C", "O"
  std::string title, description, color, avatar;
  int64_t owner_id = 0;
  int64_t author_id = 0;
  std::string entity_type, entity_id;
  // LINES chats (protocol.md §11.3): `|`-joined session data, bound CRM objects, silent mode.
  std::string entity_data_1, entity_data_2, entity_data_3;
  int64_t last_seq = 0;
  int64_t last_message_id = 0;
  int64_t created_at = 0;
  int64_t last_message_at = 0;
};

struct ChatMember {
  int64_t chat_id = 0;
  int64_t user_id = 0;
  int64_t joined_at = 0;
  int64_t first_visible_id = 0;  // HIDE_HISTORY: messages before this id stay hidden from the member
  int64_t last_read_seq = 0;
  int64_t last_read_id = 0;
  bool muted = false;
  bool pinned = false;
  int64_t hidden_at_seq = -1;  // im.recent.hide: out of the recent list until last_seq moves past it
  bool marked_unread = false;  // im.recent.unread
};

// Unread messages of a member: every message after their read mark (O(1) per new message).
inline int64_t unread_count(const Chat& chat, const ChatMember& m) {
  return std::max<int64_t>(0, chat.last_seq - m.last_read_seq);
}

// The colours of spec "im.chat.add" (COLOR), in the platform's order.
const std::vector<std::string>& chat_colors();
// A colour name from the list, upper-cased, or nullopt when it is not one.
std::optional<std::string> normalize_color(const std::string& name);
// The hex value objects show for a colour name ("MINT" → "#4ba984"; Bitrix\Im\Color).
std::string chat_color_hex(const std::string& name);

std::optional<Chat> find_chat(Conn& c, int64_t id);
// Column lists ("a.id, a.type, …") and readers starting at column `at`, for joins.
std::string chat_columns(std::string_view alias);
std::string member_columns(std::string_view alias);
Chat read_chat(const Row& r, size_t at = 0);
ChatMember read_member(const Row& r, size_t at = 0);
std::optional<ChatMember> find_member(Conn& c, int64_t chat_id, int64_t user_id);
std::vector<int64_t> member_ids(Conn& c, int64_t chat_id);
// Every member row of the chat in one query, in member_ids() order (the push fan-out reads
// each member's counter and mute from these instead of a query per member).
std::vector<ChatMember> chat_members(Conn& c, int64_t chat_id);
// Chat id for an exact entity pair; the newest when several match.
std::optional<int64_t> find_chat_by_entity(Conn& c, const std::string& entity_type, const std::string& entity_id);

// Whether `user_id` may read the chat: members, and anyone for open chats.
bool can_read(Conn& c, const Chat& chat, int64_t user_id);

// Inserts the chat (fills id and created_at) and its members; the owner is a member.
int64_t insert_chat(Tx& tx, Chat& chat, const std::vector<int64_t>& members);
void add_member(Conn& c, int64_t chat_id, int64_t user_id, int64_t first_visible_id);

}  // namespace imhub
