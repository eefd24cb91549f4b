// im.chat.* methods (scope `im`). Contract: spec "Chat API" (002) and spec 003; details from
// reference/api-reference/chats/. The rules and SQL live in im/.
#include <algorithm>
#include <random>
#include <set>

#include "api/common.hpp"
#include "core/json.hpp"
#include "im/chat.hpp"
#include "im/message.hpp"
#include "users/user.hpp"
#include "users/user_cache.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/chats/";

// spec 002 "im.chat.add" / "im.chat.user.list" error tables (descriptions as in their examples).
constexpr ErrorSpec kUsersEmpty{"USERS_EMPTY", "Chat participants not passed", 400};
constexpr ErrorSpec kWrongRequest{"WRONG_REQUEST", "Something went wrong", 400};
constexpr ErrorSpec kChatIdEmpty{"CHAT_ID_EMPTY", "Chat ID not passed", 400};

// USERS: a list (or a JSON text of one) of user ids; empty entries are dropped, as the platform
// does. Ids of people who do not exist or are inactive are left out.
std::vector<int64_t> users_param(const MethodCall& call) {
  Value users = call.param("USERS");
  if (users.is_scalar()) {
    auto parsed = parse_json(users.to_string());
    users = parsed ? std::move(*parsed) : Value();
  }
  std::vector<int64_t> out;
  std::set<int64_t> seen;
  for (const Value* v : users.elements()) {
    if (!v->is_scalar()) throw ApiError(kWrongRequest);
    auto id = v->to_int();
    if (!id || *id <= 0 || !seen.insert(*id).second) continue;
    auto u = call.services.users->find(*id);
    if (u && u->active) out.push_back(*id);
  }
  return out;
}

// Without TITLE the platform names the chat after its members ("Chat with #USERS_NAMES#").
std::string default_title(const MethodCall& call, const std::vector<int64_t>& members) {
  std::string names;
  for (int64_t id : members) {
    auto u = call.services.users->find(id);
    if (!u) continue;
    if (!names.empty()) names += ", ";
    names += u->full_name();
  }
  return "Chat with " + names;
}

MethodResult chat_add(MethodCall& call) {
  std::vector<int64_t> users = users_param(call);
  if (users.empty()) throw ApiError(kUsersEmpty);
  Chat chat;
  chat.type = iequals(call.param("TYPE").to_string(), "OPEN") ? "O" : "C";
  chat.author_id = call.caller.user_id;
  chat.owner_id = call.caller.user_id;
  if (auto owner = call.param("OWNER_ID").to_int(); owner && *owner > 0) {
    auto u = call.services.users->find(*owner);
    if (!u || !u->active) throw ApiError(kWrongRequest);
    chat.owner_id = *owner;
  }
  std::vector<int64_t> members{call.caller.user_id};
  for (int64_t u : users)
    if (u != call.caller.user_id) members.push_back(u);
  if (chat.owner_id != call.caller.user_id && std::find(members.begin(), members.end(), chat.owner_id) == members.end())
    members.push_back(chat.owner_id);
  chat.title = std::string(trim(call.param("TITLE").to_string()));
  if (chat.title.empty()) chat.title = default_title(call, members);
  chat.description = call.param("DESCRIPTION").to_string();
  // "The system selects the color randomly when the chat is created" unless a valid one is given.
  auto color = normalize_color(call.param("COLOR").to_string());
  thread_local std::mt19937 rng{std::random_device{}()};
  chat.color = color ? *color : chat_colors()[rng() % chat_colors().size()];
  chat.entity_type = call.param("ENTITY_TYPE").to_string();
  chat.entity_id = call.param("ENTITY_ID").to_string();
  const std::string message = normalize_message_text(call.param("MESSAGE").to_string());
  const int64_t creator = call.caller.user_id;
  int64_t id = call.services.store.write_with([&](Conn& c) {
    int64_t chat_id = insert_chat(c, chat, members);
    // The welcome MESSAGE is the first message of the chat, written by its creator.
    if (!message.empty()) append_message(c, NewMessage{chat_id, creator, message, "", false});
    return chat_id;
  });
  return Value(id);
}

MethodResult chat_get(MethodCall& call) {
  const std::string type = call.param("ENTITY_TYPE").to_string();
  const std::string entity = call.param("ENTITY_ID").to_string();
  // "Result: returns CHAT_ID or null" (spec 002 im.chat.get).
  if (type.empty() || entity.empty()) return Value();
  auto id = call.services.store.read_with([&](Conn& c) { return find_chat_by_entity(c, type, entity); });
  return id ? Value(*id) : Value();
}

MethodResult chat_user_list(MethodCall& call) {
  auto chat_id = call.param("CHAT_ID").to_int();
  if (!chat_id || *chat_id <= 0) throw ApiError(kChatIdEmpty);
  Value out = Value::list();
  call.services.store.read([&](Conn& c) {
    auto chat = find_chat(c, *chat_id);
    // Someone who may not see the chat gets an empty list, not an error (reference page).
    if (!chat || !can_read(c, *chat, call.caller.user_id)) return;
    for (int64_t id : member_ids(c, *chat_id)) out.push_back(id);
  });
  return out;
}

}  // namespace

void register_im_chat_methods(Registry& r) {
  auto add = [&](std::string name, Effect effect, Handler h, std::string page, std::string note) {
    r.add({.name = std::move(name),
           .scope = "im",
           .effect = effect,
           .handler = std::move(h),
           .doc = kDoc + page,
           .note = std::move(note)});
  };
  add("im.chat.add", Effect::kWrite, chat_add, "im-chat-add.md", "AVATAR is not stored yet");
  add("im.chat.get", Effect::kRead, chat_get, "im-chat-get.md", "");
  add("im.chat.user.list", Effect::kRead, chat_user_list, "chat-users/im-chat-user-list.md", "");
}

}  // namespace imhub
