#include "im/message_actions.hpp"

#include <utility>

#include "core/clock.hpp"
#include "core/strings.hpp"
#include "im/chat.hpp"
#include "im/message_edit.hpp"
#include "im/message_post.hpp"
#include "im/write_path_cache.hpp"

namespace imhub {
namespace {

// The chat a message to `to` goes into; a private dialog is created by its first message.
std::optional<Chat> target_chat(Tx& tx, int64_t author, const DialogRef& to) {
  if (!to.is_chat) return ensure_private_chat(tx, author, to.id);
  auto chat = write_path_chat(tx.conn, to.id);
  if (!chat || !write_path_member(tx.conn, chat->id, author)) return std::nullopt;
  return chat;
}

// A reply must quote a message its author can see, in the same chat.
MessageStatus check_reply(Conn& c, int64_t reply_id, int64_t author, int64_t chat_id) {
  auto reply = visible_message(c, reply_id, author);
  if (!reply) return MessageStatus::kReplyNotFound;
  if (reply->message.chat_id != chat_id) return MessageStatus::kReplyOtherChat;
  return MessageStatus::kOk;
}

// Whether the message offers `command` of `bot_id` on a keyboard button or menu item; the
// context the bot will see ("KEYBOARD" or "MENU"), or "" when it does not.
std::string command_context(const Message& m, int64_t bot_id, const std::string& command) {
  if (!m.params.is_map()) return "";
  auto offers = [&](const Value& items) {
    for (const Value* b : items.elements()) {
      if (!b->is_map()) continue;
      std::string cmd = (*b)["COMMAND"].to_string();
      if (!cmd.empty() && cmd[0] == '/') cmd.erase(0, 1);
      if (iequals(cmd, command) && (*b)["BOT_ID"].to_int_or(0) == bot_id) return true;
    }
    return false;
  };
  const Value& keyboard = m.params["KEYBOARD"];
  if (offers(keyboard.is_map() ? keyboard["BUTTONS"] : keyboard)) return "KEYBOARD";
  const Value& menu = m.params["MENU"];
  if (offers(menu.is_map() ? menu["ITEMS"] : menu)) return "MENU";
  return "";
}

}  // namespace

Sent send_message(Tx& tx, const Send& s) {
  if (!s.template_id.empty())
    if (auto existing = find_message_by_template(tx.conn, s.author, s.template_id))
      return {MessageStatus::kOk, *existing};
  std::optional<Chat> chat = target_chat(tx, s.author, s.to);
  if (!chat) return {MessageStatus::kNoAccess};
  if (s.reply_id > 0)
    if (MessageStatus r = check_reply(tx.conn, s.reply_id, s.author, chat->id); r != MessageStatus::kOk) return {r};
  const NewMessage m{chat->id, s.author, s.text, s.params_json, s.system, s.template_id};
  return {MessageStatus::kOk, post_message(tx, *chat, m)};
}

MessageStatus edit_message(Tx& tx, int64_t message_id, int64_t user_id, const Edit& e) {
  auto found = find_message(tx.conn, message_id);
  if (!found || found->deleted || found->author_id != user_id) return MessageStatus::kForbidden;
  if (now_unix_seconds() - found->created_at > kEditWindowSeconds) return MessageStatus::kForbidden;
  Message m = *found;
  const Message& before = *found;
  if (!m.params.is_map()) m.params = Value::map();
  const Value params_before = m.params;
  for (const std::string& part : e.removed_parts) m.params.get_map().erase(part);
  if (e.parts.is_map())
    for (size_t i = 0; i < e.parts.get_map().size(); ++i)
      m.params[e.parts.get_map().key_at(i)] = e.parts.get_map().value_at(i);
  const bool parts_changed = m.params != params_before;
  if (!e.text) {
    if (!parts_changed) return MessageStatus::kUnchanged;
    if (!e.by_bot) mark_edited(m, e.edited_mark);
    save_message(tx.conn, m);
    tx.raise(MessageUpdated{before, m, e.by_bot});
    return MessageStatus::kOk;
  }
  // "Passing empty value deletes the message" (spec im.message.update), unless an attach stays.
  if (e.text->empty() && std::as_const(m.params)["ATTACH"].size() == 0) {
    soft_delete(m);
    save_message(tx.conn, m);
    tx.raise(MessageDeleted{before, m, false, e.by_bot});
    return MessageStatus::kOk;
  }
  m.text = *e.text;
  if (e.by_bot)
    m.edited_at = now_unix_seconds();
  else
    mark_edited(m, e.edited_mark);
  save_message(tx.conn, m);
  tx.raise(MessageUpdated{before, m, e.by_bot});
  return MessageStatus::kOk;
}

MessageStatus delete_message(Tx& tx, int64_t message_id, int64_t user_id, bool complete, bool by_bot) {
  auto m = find_message(tx.conn, message_id);
  if (!m || m->deleted) return MessageStatus::kForbidden;
  if (m->author_id != user_id) {
    // The owner of a group chat may delete what others wrote (reference im-message-delete.md).
    auto chat = find_chat(tx.conn, m->chat_id);
    if (!chat || chat->type == "P" || chat->owner_id != user_id) return MessageStatus::kForbidden;
  }
  const Message before = *m;
  soft_delete(*m);
  if (complete)
    erase_message(tx.conn, before);
  else
    save_message(tx.conn, *m);
  tx.raise(MessageDeleted{before, *m, complete, by_bot});
  return MessageStatus::kOk;
}

MessageStatus like_message(Tx& tx, int64_t message_id, int64_t user_id, const std::string& action) {
  if (!find_message(tx.conn, message_id)) return MessageStatus::kNotFound;
  auto seen = visible_message(tx.conn, message_id, user_id);
  if (!seen) return MessageStatus::kNoAccess;
  Message& m = seen->message;
  if (!toggle_like(m, user_id, to_lower(action))) return MessageStatus::kUnchanged;
  save_message(tx.conn, m);
  const Value& likes = std::as_const(m.params)["LIKE"];
  bool liked = false;
  for (const Value* v : likes.elements()) liked = liked || v->to_int_or(0) == user_id;
  tx.raise(MessageLiked{m, user_id, liked});
  return MessageStatus::kOk;
}

MessageStatus press_command(Tx& tx, int64_t message_id, int64_t user_id, int64_t bot_id, const std::string& command,
                            const std::string& params) {
  if (!find_message(tx.conn, message_id)) return MessageStatus::kNotFound;
  auto seen = visible_message(tx.conn, message_id, user_id);
  if (!seen) return MessageStatus::kNoAccess;
  const Message& m = seen->message;
  const std::string context = command_context(m, bot_id, command);
  if (context.empty()) return MessageStatus::kNotOffered;
  tx.conn.exec(
      "INSERT INTO message_commands (message_id, chat_id, bot_id, user_id, command, command_params, context, "
      "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {m.id, m.chat_id, bot_id, user_id, command, params, context, now_unix_seconds()});
  tx.raise(CommandPressed{m, user_id, bot_id, command, params, context});
  return MessageStatus::kOk;
}

MessageStatus share_message_as_chat(Tx& tx, int64_t message_id, const DialogRef& dialog, int64_t user_id) {
  auto chat = readable_chat(tx.conn, dialog, user_id);
  auto seen = visible_message(tx.conn, message_id, user_id);
  if (!chat || !seen || seen->message.chat_id != chat->id || seen->message.deleted) return MessageStatus::kNoAccess;
  const Message& m = seen->message;
  Chat shared;
  shared.type = "C";
  shared.author_id = user_id;
  shared.owner_id = user_id;
  shared.title = m.text.size() > 60 ? m.text.substr(0, 60) + "..." : m.text;
  if (shared.title.empty()) shared.title = "Chat";
  shared.color = chat_colors()[static_cast<size_t>(now_unix_seconds()) % chat_colors().size()];
  std::vector<int64_t> members{user_id};
  for (int64_t u : member_ids(tx.conn, chat->id))
    if (u != user_id) members.push_back(u);
  insert_chat(tx, shared, members);
  post_message(tx, shared, NewMessage{shared.id, m.author_id, m.text, params_to_json(m.params), false, ""});
  return MessageStatus::kOk;
}

}  // namespace imhub
