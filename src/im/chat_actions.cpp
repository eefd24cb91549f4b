// The rules of the im.chat.* methods with the acting user as a parameter, so that im.chat.*
// (the caller acts) and imbot.chat.* (the bot acts, api/imbot_chat.cpp) share one
// implementation: parameter reading, the change itself and the platform's error for each
// refusal. Contract: spec "Chat API" (002) and spec 003; reference chats/ and
// chat-bots/outdated/chats/.
#include "im/chat_actions.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "bots/bot_hooks.hpp"
#include "core/error.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "im/chat.hpp"
#include "im/chat_avatar.hpp"
#include "im/chat_change.hpp"
#include "im/dialog.hpp"
#include "im/message.hpp"
#include "rest/services.hpp"
#include "users/user.hpp"
#include "users/user_cache.hpp"

namespace imhub {

// Bots added to a chat hear who added them (ONIMBOTJOINCHAT USER_ID): the actor, which is the bot
// itself for imbot.chat.*.
static BotEventCause joins_cause(const MethodCall& call, int64_t actor) {
  BotEventCause cause = bot_event_cause(call.caller);
  cause.user_id = actor;
  return cause;
}

// spec 002 "im.chat.add" / "im.chat.user.list" error tables (descriptions as in their examples).
constexpr ErrorSpec kUsersEmpty{"USERS_EMPTY", "Chat participants not passed", 400};
constexpr ErrorSpec kWrongRequest{"WRONG_REQUEST", "Something went wrong", 400};
constexpr ErrorSpec kChatIdEmpty{"CHAT_ID_EMPTY", "Chat ID not passed", 400};
// Reference chats/ error tables (texts as the platform sends them).
constexpr ErrorSpec kDialogIdEmpty{"DIALOG_ID_EMPTY", "Dialog ID can't be empty", 400};
constexpr ErrorSpec kActionUnavailable{"ACCESS_ERROR", "Action unavailable", 403};

// USERS: a list (or a JSON text of one) of user ids; empty entries are dropped, as the platform
// does. Ids of people who do not exist or are inactive are left out.
static std::vector<int64_t> users_param(const MethodCall& call) {
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
static std::string default_title(const MethodCall& call, const std::vector<int64_t>& members) {
  std::string names;
  for (int64_t id : members) {
    auto u = call.services.users->find(id);
    if (!u) continue;
    if (!names.empty()) names += ", ";
    names += u->full_name();
  }
  return "Chat with " + names;
}

Value chat_add_by(const MethodCall& call, int64_t actor) {
  std::vector<int64_t> users = users_param(call);
  if (users.empty()) throw ApiError(kUsersEmpty);
  Chat chat;
  chat.type = iequals(call.param("TYPE").to_string(), "OPEN") ? "O" : "C";
  chat.author_id = actor;
  chat.owner_id = actor;
  if (auto owner = call.param("OWNER_ID").to_int(); owner && *owner > 0) {
    auto u = call.services.users->find(*owner);
    if (!u || !u->active) throw ApiError(kWrongRequest);
    chat.owner_id = *owner;
  }
  std::vector<int64_t> members{actor};
  for (int64_t u : users)
    if (u != actor) members.push_back(u);
  if (chat.owner_id != actor && std::find(members.begin(), members.end(), chat.owner_id) == members.end())
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
  // Like the platform, a chat is still created when AVATAR is not a usable image; it just has none.
  const std::optional<AvatarImage> avatar = parse_avatar(call.param("AVATAR"));
  const BotEventCause cause = joins_cause(call, actor);
  int64_t id = call.services.store.write_with([&](Conn& c) {
    int64_t chat_id = insert_chat(c, chat, members);
    // The welcome MESSAGE is the first message of the chat, written by its actor.
    if (!message.empty()) append_message(c, NewMessage{chat_id, actor, message, "", false, ""});
    bots_on_members_added(c, cause, chat_id, members, true);
    return chat_id;
  });
  // The file is named after the chat id, so it is written after the chat exists; file I/O stays
  // out of the writer's transaction.
  if (avatar) {
    const std::string url = store_avatar(call.services.data_dir, call.services.config.public_url, id, *avatar);
    call.services.store.write_with([&](Conn& c) { c.exec("UPDATE chats SET avatar = $2 WHERE id = $1", {id, url}); });
  }
  return Value(id);
}

Value chat_get_by_entity(const MethodCall& call) {
  const std::string type = call.param("ENTITY_TYPE").to_string();
  const std::string entity = call.param("ENTITY_ID").to_string();
  // "Result: returns CHAT_ID or null" (spec 002 im.chat.get).
  if (type.empty() || entity.empty()) return Value();
  auto id = call.services.store.read_with([&](Conn& c) { return find_chat_by_entity(c, type, entity); });
  return id ? Value(*id) : Value();
}

// CHAT_ID (PHP intval: "chat12" is 0), or a chat-form DIALOG_ID instead, as the platform's
// handlers accept; any other DIALOG_ID is DIALOG_ID_EMPTY.
static int64_t chat_id_param(const MethodCall& call, const ErrorSpec& empty) {
  const Value& dialog = call.param("DIALOG_ID");
  if (!dialog.is_null()) {
    auto ref = parse_dialog_id(dialog.to_string());
    if (!ref || !ref->is_chat) throw ApiError(kDialogIdEmpty);
    return ref->id;
  }
  const Value& chat = call.param("CHAT_ID");
  const int64_t id = chat.is_scalar() ? chat.to_int_or(0) : 0;
  if (id <= 0) throw ApiError(empty);
  return id;
}

// The names system messages mention, looked up before the write transaction.
static NameOf names_of(const MethodCall& call, std::vector<int64_t> ids) {
  std::map<int64_t, std::string> names;
  for (int64_t id : ids) {
    auto u = call.services.users->find(id);
    names[id] = u ? u->full_name() : std::string();
  }
  return [names = std::move(names)](int64_t id) {
    auto it = names.find(id);
    return it == names.end() ? std::string() : it->second;
  };
}

// Turns a refused change into the method's error: `specific` first, else `otherwise`.
static void require_ok(ChangeStatus status, const ErrorSpec& otherwise,
                       std::initializer_list<std::pair<ChangeStatus, ErrorSpec>> specific = {}) {
  if (status == ChangeStatus::kOk) return;
  for (const auto& [s, spec] : specific)
    if (s == status) throw ApiError(spec);
  throw ApiError(otherwise);
}

Value chat_user_list_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, kChatIdEmpty);
  Value out = Value::list();
  call.services.store.read([&](Conn& c) {
    auto chat = find_chat(c, chat_id);
    // Someone who may not see the chat gets an empty list, not an error (reference page).
    if (!chat || !can_read(c, *chat, actor)) return;
    for (int64_t id : member_ids(c, chat_id)) out.push_back(id);
  });
  return out;
}

// spec 002 "im.chat.user.add".
constexpr ErrorSpec kUserAddRefused{
    "WRONG_REQUEST",
    "You don't have sufficient access permissions for adding participants to chat or participant already included "
    "into chat",
    400};

Value chat_user_add_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, kChatIdEmpty);
  const std::vector<int64_t> users = users_param(call);
  if (users.empty()) throw ApiError(kUserAddRefused);
  // Spec: "N" by default, "Y" hides; like the platform, any other non-empty value hides too.
  const Value& hide = call.param("HIDE_HISTORY");
  const bool hide_history = !hide.is_null() && hide.to_string() != "N" && hide.truthy();
  std::vector<int64_t> named = users;
  named.push_back(actor);
  const NameOf name_of = names_of(call, named);
  const BotEventCause cause = joins_cause(call, actor);
  ChangeStatus status = call.services.store.write_with([&](Conn& c) {
    const std::vector<int64_t> joining = new_members(c, chat_id, users);
    ChangeStatus s = add_chat_members(c, chat_id, actor, users, hide_history, name_of);
    if (s == ChangeStatus::kOk) bots_on_members_added(c, cause, chat_id, joining, !hide_history);
    return s;
  });
  require_ok(status, kUserAddRefused, {{ChangeStatus::kPrivateChat, kActionUnavailable}});
  return Value(true);
}

// spec 002 "im.chat.user.delete" (its WRONG_REQUEST text is copied from user.add there, as is).
constexpr ErrorSpec kUserIdEmpty{"USER_ID_EMPTY", "User ID not passed", 400};
constexpr ErrorSpec kUserDeleteRefused{
    "WRONG_REQUEST",
    "You have insufficient access permissions for adding participants to chat or participant is already included "
    "into chat",
    400};

Value chat_user_delete_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, kChatIdEmpty);
  const Value& user_param = call.param("USER_ID");
  const int64_t user = user_param.is_scalar() ? user_param.to_int_or(0) : 0;
  if (user <= 0) throw ApiError(kUserIdEmpty);
  const NameOf name_of = names_of(call, {actor, user});
  ChangeStatus status =
      call.services.store.write_with([&](Conn& c) { return remove_chat_member(c, chat_id, actor, user, name_of); });
  require_ok(status, kUserDeleteRefused, {{ChangeStatus::kPrivateChat, kActionUnavailable}});
  return Value(true);
}

// spec 002 "im.chat.leave".
constexpr ErrorSpec kNotAMember{"WRONG_REQUEST", "You are not a member of this chat", 400};

Value chat_leave_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, kChatIdEmpty);
  const NameOf name_of = names_of(call, {actor});
  ChangeStatus status =
      call.services.store.write_with([&](Conn& c) { return remove_chat_member(c, chat_id, actor, actor, name_of); });
  require_ok(status, kNotAMember, {{ChangeStatus::kPrivateChat, kActionUnavailable}});
  return Value(true);
}

// spec 002 "im.chat.updateTitle".
constexpr ErrorSpec kTitleEmpty{"TITLE_EMPTY", "New chat title not passed", 400};
constexpr ErrorSpec kTitleRefused{"WRONG_REQUEST", "Title not set or specified chat doesn't exist", 400};

Value chat_update_title_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, kChatIdEmpty);
  // "automatically trimmed of whitespace and line breaks" (reference).
  const std::string title(trim(call.param("TITLE").to_string()));
  if (title.empty()) throw ApiError(kTitleEmpty);
  const NameOf name_of = names_of(call, {actor});
  ChangeStatus status =
      call.services.store.write_with([&](Conn& c) { return rename_chat(c, chat_id, actor, title, name_of); });
  // The platform answers true when the title is already that.
  if (status == ChangeStatus::kUnchanged) return Value(true);
  require_ok(status, kTitleRefused,
             {{ChangeStatus::kNotMember, kActionUnavailable}, {ChangeStatus::kPrivateChat, kDialogIdEmpty}});
  return Value(true);
}

// spec 002 "im.chat.updateColor".
constexpr ErrorSpec kWrongColor{"WRONG_COLOR", "Color is not included into the list of available colors", 400};
constexpr ErrorSpec kColorRefused{"WRONG_REQUEST", "Color is already indicated or indicated color doesn't exist", 400};

Value chat_update_color_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, kChatIdEmpty);
  auto color = normalize_color(call.param("COLOR").to_string());
  if (!color) throw ApiError(kWrongColor);
  const NameOf name_of = names_of(call, {actor});
  ChangeStatus status =
      call.services.store.write_with([&](Conn& c) { return recolor_chat(c, chat_id, actor, *color, name_of); });
  require_ok(status, kColorRefused,
             {{ChangeStatus::kNotMember, kActionUnavailable}, {ChangeStatus::kPrivateChat, kDialogIdEmpty}});
  return Value(true);
}

// spec 002 "im.chat.updateAvatar" (the AVATAR_ERROR text is the spec's, as printed).
constexpr ErrorSpec kAvatarError{"AVATAR_ERROR", "Incorrect image format is not passed", 400};
constexpr ErrorSpec kAvatarRefused{"WRONG_REQUEST", "Chat doesn't exist", 400};

Value chat_update_avatar_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, kChatIdEmpty);
  auto avatar = parse_avatar(call.param("AVATAR"));
  if (!avatar) throw ApiError(kAvatarError);
  const std::initializer_list<std::pair<ChangeStatus, ErrorSpec>> errors = {
      {ChangeStatus::kNotMember, kActionUnavailable}, {ChangeStatus::kPrivateChat, kDialogIdEmpty}};
  // Checked before the file is written, so outsiders cannot fill the disk; checked again when
  // the change is written.
  require_ok(call.services.store.read_with([&](Conn& c) { return check_member(c, chat_id, actor); }), kAvatarRefused,
             errors);
  const std::string url = store_avatar(call.services.data_dir, call.services.config.public_url, chat_id, *avatar);
  const NameOf name_of = names_of(call, {actor});
  ChangeStatus status =
      call.services.store.write_with([&](Conn& c) { return set_chat_avatar(c, chat_id, actor, url, name_of); });
  require_ok(status, kAvatarRefused, errors);
  return Value(true);
}

// spec 002 "im.chat.setOwner".
constexpr ErrorSpec kOwnerChatIdEmpty{"CHAT_ID_EMPTY", "Chat ID is not passed", 400};
constexpr ErrorSpec kOwnerIdEmpty{"USER_ID_EMPTY", "New chat owner ID is not passed", 400};
constexpr ErrorSpec kOwnerRefused{
    "WRONG_REQUEST",
    "Method is called by a regular non-owner chat participant or specified user is not a chat participant", 400};

Value chat_set_owner_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, kOwnerChatIdEmpty);
  const Value& user_param = call.param("USER_ID");
  const int64_t owner = user_param.is_scalar() ? user_param.to_int_or(0) : 0;
  if (owner <= 0) throw ApiError(kOwnerIdEmpty);
  const NameOf name_of = names_of(call, {actor, owner});
  ChangeStatus status =
      call.services.store.write_with([&](Conn& c) { return set_chat_owner(c, chat_id, actor, owner, name_of); });
  if (status == ChangeStatus::kUnchanged) return Value(true);
  require_ok(status, kOwnerRefused, {{ChangeStatus::kPrivateChat, kDialogIdEmpty}});
  return Value(true);
}

// spec 002 "im.chat.mute" (its example text) and the reference's ACCESS_ERROR.
constexpr ErrorSpec kMuteChatIdEmpty{"CHAT_ID_EMPTY", "Chat ID can't be empty", 400};
constexpr ErrorSpec kCannotMute{"ACCESS_ERROR", "This chat cannot be muted", 403};

Value chat_mute_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, kMuteChatIdEmpty);
  // ACTION is the platform's alias; anything but "N" mutes (the reference's default is Y).
  const Value& action = call.param("ACTION");
  const Value& flag = action.is_null() ? call.param("MUTE") : action;
  const bool mute = flag.to_string() != "N";
  ChangeStatus status = call.services.store.write_with([&](Conn& c) { return mute_chat(c, chat_id, actor, mute); });
  require_ok(status, kCannotMute);
  return Value(true);
}

// reference chat-bots/outdated/chats/imbot-chat-set-manager.md (im_rest.php chatSetManager).
constexpr ErrorSpec kManagerChatIdEmpty{"CHAT_ID_EMPTY", "Chat ID can't be empty", 400};
constexpr ErrorSpec kManagerUserIdEmpty{"USER_ID_EMPTY", "User ID can't be empty", 400};
constexpr ErrorSpec kManagerRefused{"WRONG_REQUEST", "Change manager can only owner and user must be member in chat",
                                    400};

Value chat_set_manager_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, kManagerChatIdEmpty);
  const Value& user_param = call.param("USER_ID");
  const int64_t user = user_param.is_scalar() ? user_param.to_int_or(0) : 0;
  if (user <= 0) throw ApiError(kManagerUserIdEmpty);
  // IS_MANAGER: "Y" by default; only "N" takes the right back.
  const bool manager = call.param("IS_MANAGER").to_string() != "N";
  ChangeStatus status =
      call.services.store.write_with([&](Conn& c) { return set_chat_manager(c, chat_id, actor, user, manager); });
  require_ok(status, kManagerRefused, {{ChangeStatus::kPrivateChat, kDialogIdEmpty}});
  return Value(true);
}

}  // namespace imhub
