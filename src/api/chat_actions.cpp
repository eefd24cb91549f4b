// The rules of the im.chat.* methods with the acting user as a parameter, so that im.chat.*
// (the caller acts) and imbot.chat.* (the bot acts, api/imbot_chat.cpp) share one
// implementation: parameter reading, the change itself and the platform's error for each
// refusal. Contract: spec "Chat API" (002) and spec 003; reference chats/ and
// chat-bots/outdated/chats/.
#include "api/chat_actions.hpp"

#include <algorithm>
#include <map>
#include <random>
#include <set>

#include "api/common.hpp"
#include "api/services.hpp"
#include "core/error.hpp"
#include "core/error_catalog.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "im/chat.hpp"
#include "im/chat_avatar.hpp"
#include "im/chat_change.hpp"
#include "im/dialog.hpp"
#include "im/message.hpp"
#include "im/message_post.hpp"
#include "users/user.hpp"
#include "users/user_cache.hpp"

namespace imhub {

// spec 002 "im.chat.add" / "im.chat.user.list" error tables (descriptions as in their examples).
// Reference chats/ error tables (texts as the platform sends them).

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
    if (!v->is_scalar()) throw ApiError(errors::kWrongRequest);
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
  if (users.empty()) throw ApiError(errors::kUsersEmpty);
  Chat chat;
  // One character assigned, not a literal: GCC 12's -Wrestrict misfires on operator=(literal) here.
  const bool open = iequals(call.param("TYPE").to_string(), "OPEN");
  chat.type.assign(1, open ? 'O' : 'C');
  chat.author_id = actor;
  chat.owner_id = actor;
  if (auto owner = call.param("OWNER_ID").to_int(); owner && *owner > 0) {
    auto u = call.services.users->find(*owner);
    if (!u || !u->active) throw ApiError(errors::kWrongRequest);
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
  auto actor_user = call.services.users->find(actor);
  const bool by_bot = actor_user && actor_user->external_auth_id == "bot";
  int64_t id = write_tx(call, [&](Tx& tx) {
    // Bots among the members hear of the chat (ONIMBOTJOINCHAT) from ChatCreated.
    int64_t chat_id = insert_chat(tx, chat, members);
    // The welcome MESSAGE is the first message of the chat, written by its actor.
    if (!message.empty()) post_message(tx, chat, NewMessage{chat_id, actor, message, "", false, ""}, by_bot);
    return chat_id;
  });
  // The file is named after the chat id, so it is written after the chat exists; file I/O stays
  // out of the writer's transaction.
  if (avatar) {
    const std::string url = store_avatar(call.services.data_dir, call.services.config.public_url, id, *avatar);
    write_tx(call, [&](Tx& tx) { set_new_chat_avatar(tx, id, url); });
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
    if (!ref || !ref->is_chat) throw ApiError(errors::kDialogIdEmpty);
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
  const int64_t chat_id = chat_id_param(call, errors::kChatIdEmptyImDialog);
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

Value chat_user_add_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, errors::kChatIdEmptyImDialog);
  const std::vector<int64_t> users = users_param(call);
  if (users.empty()) throw ApiError(errors::kUserAddRefused);
  // Spec: "N" by default, "Y" hides; like the platform, any other non-empty value hides too.
  const Value& hide = call.param("HIDE_HISTORY");
  const bool hide_history = !hide.is_null() && hide.to_string() != "N" && hide.truthy();
  std::vector<int64_t> named = users;
  named.push_back(actor);
  const NameOf name_of = names_of(call, named);
  // Bots among the new members hear of it (ONIMBOTJOINCHAT) from MembersAdded.
  ChangeStatus status =
      write_tx(call, [&](Tx& tx) { return add_chat_members(tx, chat_id, actor, users, hide_history, name_of); });
  require_ok(status, errors::kUserAddRefused, {{ChangeStatus::kPrivateChat, errors::kActionUnavailable}});
  return Value(true);
}

// spec 002 "im.chat.user.delete" (its WRONG_REQUEST text is copied from user.add there, as is).

Value chat_user_delete_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, errors::kChatIdEmptyImDialog);
  const Value& user_param = call.param("USER_ID");
  const int64_t user = user_param.is_scalar() ? user_param.to_int_or(0) : 0;
  if (user <= 0) throw ApiError(errors::kUserIdEmptyChatActions);
  const NameOf name_of = names_of(call, {actor, user});
  ChangeStatus status = write_tx(call, [&](Tx& tx) { return remove_chat_member(tx, chat_id, actor, user, name_of); });
  require_ok(status, errors::kUserDeleteRefused, {{ChangeStatus::kPrivateChat, errors::kActionUnavailable}});
  return Value(true);
}

// spec 002 "im.chat.leave".

Value chat_leave_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, errors::kChatIdEmptyImDialog);
  const NameOf name_of = names_of(call, {actor});
  ChangeStatus status = write_tx(call, [&](Tx& tx) { return remove_chat_member(tx, chat_id, actor, actor, name_of); });
  require_ok(status, errors::kNotAMember, {{ChangeStatus::kPrivateChat, errors::kActionUnavailable}});
  return Value(true);
}

// spec 002 "im.chat.updateTitle".

Value chat_update_title_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, errors::kChatIdEmptyImDialog);
  // "automatically trimmed of whitespace and line breaks" (reference).
  const std::string title(trim(call.param("TITLE").to_string()));
  if (title.empty()) throw ApiError(errors::kTitleEmpty);
  const NameOf name_of = names_of(call, {actor});
  ChangeStatus status = write_tx(call, [&](Tx& tx) { return rename_chat(tx, chat_id, actor, title, name_of); });
  // The platform answers true when the title is already that.
  if (status == ChangeStatus::kUnchanged) return Value(true);
  require_ok(
      status, errors::kTitleRefused,
      {{ChangeStatus::kNotMember, errors::kActionUnavailable}, {ChangeStatus::kPrivateChat, errors::kDialogIdEmpty}});
  return Value(true);
}

// spec 002 "im.chat.updateColor".

Value chat_update_color_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, errors::kChatIdEmptyImDialog);
  auto color = normalize_color(call.param("COLOR").to_string());
  if (!color) throw ApiError(errors::kWrongColor);
  const NameOf name_of = names_of(call, {actor});
  ChangeStatus status = write_tx(call, [&](Tx& tx) { return recolor_chat(tx, chat_id, actor, *color, name_of); });
  require_ok(
      status, errors::kColorRefused,
      {{ChangeStatus::kNotMember, errors::kActionUnavailable}, {ChangeStatus::kPrivateChat, errors::kDialogIdEmpty}});
  return Value(true);
}

// spec 002 "im.chat.updateAvatar" (the AVATAR_ERROR text is the spec's, as printed).

Value chat_update_avatar_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, errors::kChatIdEmptyImDialog);
  auto avatar = parse_avatar(call.param("AVATAR"));
  if (!avatar) throw ApiError(errors::kAvatarError);
  const std::initializer_list<std::pair<ChangeStatus, ErrorSpec>> errors = {
      {ChangeStatus::kNotMember, errors::kActionUnavailable}, {ChangeStatus::kPrivateChat, errors::kDialogIdEmpty}};
  // Checked before the file is written, so outsiders cannot fill the disk; checked again when
  // the change is written.
  require_ok(call.services.store.read_with([&](Conn& c) { return check_member(c, chat_id, actor); }),
             errors::kAvatarRefused, errors);
  const std::string url = store_avatar(call.services.data_dir, call.services.config.public_url, chat_id, *avatar);
  const NameOf name_of = names_of(call, {actor});
  ChangeStatus status = write_tx(call, [&](Tx& tx) { return set_chat_avatar(tx, chat_id, actor, url, name_of); });
  require_ok(status, errors::kAvatarRefused, errors);
  return Value(true);
}

// spec 002 "im.chat.setOwner".

Value chat_set_owner_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, errors::kOwnerChatIdEmpty);
  const Value& user_param = call.param("USER_ID");
  const int64_t owner = user_param.is_scalar() ? user_param.to_int_or(0) : 0;
  if (owner <= 0) throw ApiError(errors::kOwnerIdEmpty);
  const NameOf name_of = names_of(call, {actor, owner});
  ChangeStatus status = write_tx(call, [&](Tx& tx) { return set_chat_owner(tx, chat_id, actor, owner, name_of); });
  if (status == ChangeStatus::kUnchanged) return Value(true);
  require_ok(status, errors::kOwnerRefused, {{ChangeStatus::kPrivateChat, errors::kDialogIdEmpty}});
  return Value(true);
}

// spec 002 "im.chat.mute" (its example text) and the reference's ACCESS_ERROR.

Value chat_mute_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, errors::kChatIdEmpty);
  // ACTION is the platform's alias; anything but "N" mutes (the reference's default is Y).
  const Value& action = call.param("ACTION");
  const Value& flag = action.is_null() ? call.param("MUTE") : action;
  const bool mute = flag.to_string() != "N";
  ChangeStatus status = write_tx(call, [&](Tx& tx) { return mute_chat(tx, chat_id, actor, mute); });
  require_ok(status, errors::kCannotMute);
  return Value(true);
}

// reference chat-bots/outdated/chats/imbot-chat-set-manager.md (im_rest.php chatSetManager).

Value chat_set_manager_by(const MethodCall& call, int64_t actor) {
  const int64_t chat_id = chat_id_param(call, errors::kChatIdEmpty);
  const Value& user_param = call.param("USER_ID");
  const int64_t user = user_param.is_scalar() ? user_param.to_int_or(0) : 0;
  if (user <= 0) throw ApiError(errors::kManagerUserIdEmpty);
  // IS_MANAGER: "Y" by default; only "N" takes the right back.
  const bool manager = call.param("IS_MANAGER").to_string() != "N";
  ChangeStatus status = write_tx(call, [&](Tx& tx) { return set_chat_manager(tx, chat_id, actor, user, manager); });
  require_ok(status, errors::kManagerRefused, {{ChangeStatus::kPrivateChat, errors::kDialogIdEmpty}});
  return Value(true);
}

}  // namespace imhub
