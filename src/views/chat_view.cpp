#include "views/chat_view.hpp"

#include <cctype>

#include "core/clock.hpp"

namespace imhub {
namespace {

// "SONET_GROUP" → "sonetGroup" (Chat::getType).
std::string camel_case(const std::string& entity_type) {
  std::string out;
  bool upper_next = false;
  for (char ch : entity_type) {
    if (ch == '_') {
      upper_next = !out.empty();
      continue;
    }
    const auto uc = static_cast<unsigned char>(ch);
    out += static_cast<char>(upper_next ? std::toupper(uc) : std::tolower(uc));
    upper_next = false;
  }
  return out;
}

Value id_value(int64_t id, bool as_string) { return as_string ? Value(std::to_string(id)) : Value(id); }

}  // namespace

std::string chat_type_name(const Chat& chat) {
  if (chat.type == "P") return "private";
  if (!chat.entity_type.empty()) return camel_case(chat.entity_type);
  if (chat.type == "O") return "open";
  return "chat";
}

Value im_chat_object(Conn& c, const Chat& chat, const ChatViewOptions& opt) {
  Value v = Value::map();
  v["id"] = id_value(chat.id, opt.string_ids);
  v["title"] = chat.title;
  v["name"] = chat.title;
  v["description"] = chat.description;
  v["owner"] = id_value(chat.owner_id, opt.string_ids);
  v["extranet"] = false;
  v["avatar"] = chat.avatar;
  v["color"] = chat_color_hex(chat.color);
  v["type"] = chat_type_name(chat);
  v["entity_type"] = chat.entity_type;
  v["entity_id"] = chat.entity_id;
  v["entity_data_1"] = chat.entity_data_1;
  v["entity_data_2"] = chat.entity_data_2;
  v["entity_data_3"] = chat.entity_data_3;
  const ChatRoster loaded = opt.roster ? ChatRoster{} : load_chat_roster(c, chat.id);
  const ChatRoster& roster = opt.roster ? *opt.roster : loaded;
  Value mute_list = Value::list();
  Value manager_list = Value::list();
  for (int64_t id : roster.muted) mute_list.push_back(id);
  if (chat.owner_id > 0) manager_list.push_back(chat.owner_id);
  for (int64_t id : roster.managers)
    if (id != chat.owner_id) manager_list.push_back(id);
  v["mute_list"] = std::move(mute_list);
  v["manager_list"] = std::move(manager_list);
  v["user_counter"] = roster.user_counter;
  v["last_message_id"] = chat.last_message_id;
  if (opt.viewer > 0) {
    auto me = opt.viewer_member && opt.viewer_member->user_id == opt.viewer ? std::optional(*opt.viewer_member)
                                                                            : find_member(c, chat.id, opt.viewer);
    v["counter"] = me ? std::max<int64_t>(0, chat.last_seq - me->last_read_seq) : 0;
    v["last_id"] = me ? me->last_read_id : 0;
    const bool manager = me && chat.owner_id != opt.viewer && roster.is_manager(opt.viewer);
    v["role"] = chat.owner_id == opt.viewer ? "owner" : manager ? "manager" : (me ? "member" : "guest");
  }
  v["date_create"] = atom_time(chat.created_at);
  v["message_type"] = chat.type;
  return v;
}

}  // namespace imhub
