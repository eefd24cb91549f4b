// imbot.message.add / update / delete / like (scope `imbot`): the bot writes as itself. Contract:
// protocol.md §9.7; reference chat-bots/outdated/messages/; Bot::addMessage/updateMessage in the
// platform's im module. Messages written by bots never cause bot events and are never read as
// commands, so none of these calls the bot hooks.
#include "api/common.hpp"
#include "api/im_common.hpp"
#include "bots/bot_access.hpp"
#include "core/clock.hpp"
#include "im/chat.hpp"
#include "im/dialog.hpp"
#include "im/message.hpp"
#include "im/message_edit.hpp"
#include "im/url_preview.hpp"
#include "users/user.hpp"
#include "users/user_cache.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/chat-bots/outdated/";

constexpr ErrorSpec kDialogIdEmpty{"DIALOG_ID_EMPTY", "Dialog ID can't be empty", 400};
constexpr ErrorSpec kMessageEmpty{"MESSAGE_EMPTY", "Message can't be empty", 400};
constexpr ErrorSpec kNotAdded{"WRONG_REQUEST", "Message isn't added", 400};
constexpr ErrorSpec kMessageIdError{"MESSAGE_ID_ERROR", "Message ID can't be empty", 400};
constexpr ErrorSpec kCantEdit{"CANT_EDIT_MESSAGE", "Time has expired for modification or you don't have access", 403};
constexpr ErrorSpec kWithoutChanges{"WITHOUT_CHANGES", "Action completed without changes", 400};

ParamOf params_of(const MethodCall& call) {
  return [&call](std::string_view name) -> const Value& { return call.param(name); };
}

Bot calling_bot(const MethodCall& call) {
  return call.services.store.read_with([&](Conn& c) { return acting_bot(c, call); });
}

int64_t message_id_param(const MethodCall& call) {
  const Value& v = call.param("MESSAGE_ID");
  const int64_t id = v.is_scalar() ? v.to_int_or(0) : 0;
  if (id <= 0) throw ApiError(kMessageIdError);
  return id;
}

bool active_user(const MethodCall& call, int64_t id) {
  auto u = call.services.users->find(id);
  return u && u->active;
}

// Where the message goes and who writes it. FROM_USER_ID + TO_USER_ID: a system message in
// the private dialog of those two people, introduced as coming from the bot.
struct Route {
  DialogRef to;
  int64_t author = 0;
  bool system = false;
  std::string prefix;
};

Route route_of(const MethodCall& call, const Bot& bot, const User& bot_user) {
  Route r;
  r.author = bot.id;
  r.system = call.param("SYSTEM").to_string() == "Y";
  const int64_t from = call.param("FROM_USER_ID").to_int_or(0);
  const int64_t to = call.param("TO_USER_ID").to_int_or(0);
  if (from > 0 && to > 0) {
    r.to = DialogRef{false, to};
    r.author = from;
    r.system = true;
    r.prefix = "Message from [USER=" + std::to_string(bot.id) + "][/USER]\n";
    return r;
  }
  const Value& dialog = call.param("DIALOG_ID");
  auto ref = dialog.is_scalar() ? parse_dialog_id(dialog.to_string()) : std::nullopt;
  if (!ref) throw ApiError(kDialogIdEmpty);
  r.to = *ref;
  // A system message in a chat says which bot it is from (Bot::addMessage).
  if (r.system && r.to.is_chat) r.prefix = bot_user.full_name() + ":\n";
  return r;
}

MethodResult message_add(MethodCall& call) {
  const Bot bot = calling_bot(call);
  auto bot_user = call.services.users->find(bot.id);
  if (!bot_user) throw ApiError(kBotNotFound);
  const Route route = route_of(call, bot, *bot_user);
  const Value& message = call.param("MESSAGE");
  std::string text = message.is_scalar() ? normalize_message_text(message.to_string()) : "";
  if (text.empty()) throw ApiError(kMessageEmpty);
  text = normalize_message_text(route.prefix + text);
  Value params = Value::map();
  apply_rich_params(params_of(call), params, false, bot.id);
  if (!route.to.is_chat && !active_user(call, route.to.id)) throw ApiError(kNotAdded);
  if (route.author != bot.id && !active_user(call, route.author)) throw ApiError(kNotAdded);
  const int64_t id = call.services.store.write_with([&](Conn& c) {
    int64_t chat_id = 0;
    if (route.to.is_chat) {
      auto chat = find_chat(c, route.to.id);
      if (!chat || !find_member(c, chat->id, bot.id)) throw ApiError(kNotAdded);
      chat_id = chat->id;
    } else {
      chat_id = ensure_private_chat(c, route.author, route.to.id).id;
    }
    return append_message(c, NewMessage{chat_id, route.author, text, params_to_json(params), route.system, ""});
  });
  enqueue_preview(call, id, text, false);
  return Value(id);
}

// A message of the bot that it may still change: its own, not deleted, within the edit window.
Message bot_message(Conn& c, int64_t id, int64_t bot_id) {
  auto m = find_message(c, id);
  if (!m || m->deleted || m->author_id != bot_id) throw ApiError(kCantEdit);
  if (now_unix_seconds() - m->created_at > kEditWindowSeconds) throw ApiError(kCantEdit);
  return *m;
}

MethodResult message_update(MethodCall& call) {
  const Bot bot = calling_bot(call);
  const int64_t id = message_id_param(call);
  Value rich;  // validated before the transaction
  apply_rich_params(params_of(call), rich, false, bot.id);
  const Value& message = call.param("MESSAGE");
  const bool has_text = !message.is_null();
  const std::string text = has_text && message.is_scalar() ? normalize_message_text(message.to_string()) : "";
  call.services.store.write([&](Conn& c) {
    Message m = bot_message(c, id, bot.id);
    if (!m.params.is_map()) m.params = Value::map();
    for (const char* key : {"ATTACH", "KEYBOARD", "MENU"}) {
      const Value& v = call.param(key);
      if (v.is_null()) continue;
      if (is_rich_removal(v))
        m.params.get_map().erase(key);
      else
        m.params[key] = rich[key];
    }
    if (has_text) {
      // An empty text deletes the message, unless an attachment is left to show.
      if (text.empty() && std::as_const(m.params)["ATTACH"].size() == 0) {
        soft_delete(m);
        return save_message(c, m);
      }
      m.text = text;
      // Bots rewrite their messages (keyboard pages) without the edited mark (EDIT_FLAG=N).
      m.edited_at = now_unix_seconds();
    }
    save_message(c, m);
  });
  if (has_text && !text.empty()) enqueue_preview(call, id, text, true);
  return Value(true);
}

MethodResult message_delete(MethodCall& call) {
  const Bot bot = calling_bot(call);
  const int64_t id = message_id_param(call);
  const bool complete = call.param("COMPLETE").to_string() == "Y";
  call.services.store.write([&](Conn& c) {
    auto m = find_message(c, id);
    if (!m || m->deleted) throw ApiError(kCantEdit);
    // Its own messages, or any message of a group chat the bot owns.
    if (m->author_id != bot.id) {
      auto chat = find_chat(c, m->chat_id);
      if (!chat || chat->type == "P" || chat->owner_id != bot.id) throw ApiError(kCantEdit);
    }
    if (complete) return erase_message(c, *m);
    soft_delete(*m);
    save_message(c, *m);
  });
  return Value(true);
}

MethodResult message_like(MethodCall& call) {
  const Bot bot = calling_bot(call);
  const int64_t id = message_id_param(call);
  std::string action = to_lower(call.param("ACTION").to_string());
  if (action != "plus" && action != "minus") action = "auto";
  call.services.store.write([&](Conn& c) {
    // The platform answers every refusal of CIMMessenger::Like the same way.
    auto m = find_message(c, id);
    if (!m || !find_member(c, m->chat_id, bot.id) || !toggle_like(*m, bot.id, action)) throw ApiError(kWithoutChanges);
    save_message(c, *m);
  });
  return Value(true);
}

}  // namespace

void register_imbot_message_methods(Registry& r) {
  const MethodTable table{r, "imbot", kDoc};
  table.add("imbot.message.add", Effect::kWrite, message_add, "messages/imbot-message-add.md");
  table.add("imbot.message.update", Effect::kWrite, message_update, "messages/imbot-message-update.md");
  table.add("imbot.message.delete", Effect::kWrite, message_delete, "messages/imbot-message-delete.md");
  table.add("imbot.message.like", Effect::kWrite, message_like, "messages/imbot-message-like.md");
}

}  // namespace imhub
