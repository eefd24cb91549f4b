#include "im/chat_change.hpp"

#include "core/json.hpp"
#include "core/strings.hpp"
#include "core/value.hpp"
#include "im/message.hpp"
#include "im/message_post.hpp"

namespace imhub {
namespace {

// Appends the system message; `reader` (the member who caused it, 0 for none) has read the chat
// up to it, so nobody gets an unread counter for their own action. Returns its id.
int64_t post_system(Tx& tx, int64_t chat_id, std::string text, std::string params, int64_t reader) {
  const int64_t id = post_message(tx, NewMessage{chat_id, 0, std::move(text), std::move(params), true, ""});
  if (reader <= 0) return id;
  tx.conn.exec(
      "UPDATE chat_members SET last_read_seq = (SELECT seq FROM messages WHERE id = $3), last_read_id = $3 "
      "WHERE chat_id = $1 AND user_id = $2",
      {chat_id, reader, id});
  return id;
}

bool is_member(Conn& c, int64_t chat_id, int64_t user_id) { return find_member(c, chat_id, user_id).has_value(); }

bool is_manager(Conn& c, int64_t chat_id, int64_t user_id) {
  return c
      .query_one("SELECT 1 FROM chat_members WHERE chat_id = $1 AND user_id = $2 AND manager = 1", {chat_id, user_id})
      .has_value();
}

}  // namespace

std::string user_mention(int64_t user_id, const std::string& name) {
  return "[USER=" + std::to_string(user_id) + " REPLACE]" + name + "[/USER]";
}

std::string join_text(int64_t actor, const std::vector<int64_t>& added, const NameOf& name_of) {
  if (added.size() == 1 && added.front() == actor) return user_mention(actor, name_of(actor)) + " joined the chat";
  std::string names;
  for (int64_t id : added) {
    if (!names.empty()) names += ", ";
    names += user_mention(id, name_of(id));
  }
  return user_mention(actor, name_of(actor)) + " invited " + names + " to the chat";
}

std::string leave_text(int64_t user, const NameOf& name_of) {
  return user_mention(user, name_of(user)) + " left the chat";
}

std::string kick_text(int64_t actor, int64_t user, const NameOf& name_of) {
  return user_mention(actor, name_of(actor)) + " removed " + user_mention(user, name_of(user)) + " from the chat";
}

std::string rename_text(int64_t actor, const std::string& title, const NameOf& name_of) {
  // Spec 002 im.dialog.messages.get example: `John Harrington changed chat topic to "The big chat"`.
  return user_mention(actor, name_of(actor)) + " changed chat topic to \"" + title + "\"";
}

std::string color_text(int64_t actor, const std::string& color, const NameOf& name_of) {
  // Reference chat-update/index.md: `John Smith changed the chat color to "Mint".`
  return user_mention(actor, name_of(actor)) + " changed the chat color to \"" + color_display_name(color) + "\"";
}

std::string avatar_text(int64_t actor, const NameOf& name_of) {
  return user_mention(actor, name_of(actor)) + " changed the chat avatar";
}

std::string owner_text(int64_t actor, int64_t owner, const NameOf& name_of) {
  return user_mention(actor, name_of(actor)) + " appointed " + user_mention(owner, name_of(owner)) +
         " as the chat owner";
}

std::string color_display_name(const std::string& color) {
  std::string out = to_lower(color);
  for (char& ch : out)
    if (ch == '_') ch = ' ';
  if (!out.empty()) out[0] = static_cast<char>(out[0] - 'a' + 'A');
  return out;
}

std::string system_params(const std::string& code) {
  Value codes = Value::list();
  codes.push_back(code);
  return to_json(Value::object({{"CODE", std::move(codes)}, {"NOTIFY", "N"}}));
}

ChangeStatus check_member(Conn& c, int64_t chat_id, int64_t actor, Chat* chat) {
  auto found = find_chat(c, chat_id);
  if (!found) return ChangeStatus::kNoChat;
  if (chat) *chat = *found;
  // Whoever may not read the chat must not learn that it exists.
  if (!is_member(c, chat_id, actor)) return found->type == "O" ? ChangeStatus::kNotMember : ChangeStatus::kNoChat;
  if (found->type == "P") return ChangeStatus::kPrivateChat;
  return ChangeStatus::kOk;
}

ChangeStatus add_chat_members(Tx& tx, int64_t chat_id, int64_t actor, const std::vector<int64_t>& users,
                              bool hide_history, const NameOf& name_of) {
  Conn& c = tx.conn;
  Chat chat;
  ChangeStatus status = check_member(c, chat_id, actor, &chat);
  // An open chat lets anyone in, but only by themselves.
  const bool self_join =
      status == ChangeStatus::kNotMember && chat.type == "O" && users.size() == 1 && users.front() == actor;
  if (status != ChangeStatus::kOk && !self_join) return status;
  std::vector<int64_t> added;
  for (int64_t u : users)
    if (!is_member(c, chat_id, u)) added.push_back(u);
  if (added.empty()) return ChangeStatus::kAlreadyMember;
  const int64_t first_visible = hide_history ? chat.last_message_id + 1 : 0;
  for (int64_t u : added) {
    add_member(c, chat_id, u, first_visible);
    // What was said before joining is not news to them: only the join message counts as unread.
    c.exec("UPDATE chat_members SET last_read_seq = $3, last_read_id = $4 WHERE chat_id = $1 AND user_id = $2",
           {chat_id, u, chat.last_seq, chat.last_message_id});
  }
  post_system(tx, chat_id, join_text(actor, added, name_of), system_params("CHAT_JOIN"), actor);
  tx.raise(MembersAdded{chat_id, actor, added, hide_history});
  return ChangeStatus::kOk;
}

ChangeStatus remove_chat_member(Tx& tx, int64_t chat_id, int64_t actor, int64_t user, const NameOf& name_of) {
  Conn& c = tx.conn;
  Chat chat;
  if (ChangeStatus s = check_member(c, chat_id, actor, &chat); s != ChangeStatus::kOk) return s;
  if (!is_member(c, chat_id, user)) return ChangeStatus::kNotInChat;
  const bool leaving = user == actor;
  // manage_users_delete = manager: the owner and the members the owner made managers; a manager
  // may not remove the owner.
  if (!leaving && actor != chat.owner_id && (!is_manager(c, chat_id, actor) || user == chat.owner_id))
    return ChangeStatus::kForbidden;
  const int64_t said = post_system(tx, chat_id, leaving ? leave_text(user, name_of) : kick_text(actor, user, name_of),
                                   system_params("CHAT_LEAVE"), leaving ? 0 : actor);
  // The membership row holds the read position and the mute flag: with it gone the chat counts
  // nothing for them, and a later return starts afresh.
  c.exec("DELETE FROM chat_members WHERE chat_id = $1 AND user_id = $2", {chat_id, user});
  if (user == chat.owner_id) {
    auto next = c.query_one("SELECT user_id FROM chat_members WHERE chat_id = $1 ORDER BY joined_at, user_id LIMIT 1",
                            {chat_id});
    const int64_t owner = next ? next->i64(0) : 0;
    c.exec("UPDATE chats SET owner_id = $2 WHERE id = $1", {chat_id, owner});
    tx.raise(MemberRemoved{chat_id, actor, user, said});
    tx.raise(ChatChanged{chat_id, actor, ChatField::kOwner, std::to_string(owner)});
    return ChangeStatus::kOk;
  }
  tx.raise(MemberRemoved{chat_id, actor, user, said});
  return ChangeStatus::kOk;
}

ChangeStatus rename_chat(Tx& tx, int64_t chat_id, int64_t actor, const std::string& title, const NameOf& name_of) {
  Conn& c = tx.conn;
  Chat chat;
  if (ChangeStatus s = check_member(c, chat_id, actor, &chat); s != ChangeStatus::kOk) return s;
  if (chat.title == title) return ChangeStatus::kUnchanged;
  c.exec("UPDATE chats SET title = $2 WHERE id = $1", {chat_id, title});
  post_system(tx, chat_id, rename_text(actor, title, name_of), "", actor);
  tx.raise(ChatChanged{chat_id, actor, ChatField::kTitle, title});
  return ChangeStatus::kOk;
}

ChangeStatus recolor_chat(Tx& tx, int64_t chat_id, int64_t actor, const std::string& color, const NameOf& name_of) {
  Conn& c = tx.conn;
  Chat chat;
  if (ChangeStatus s = check_member(c, chat_id, actor, &chat); s != ChangeStatus::kOk) return s;
  if (chat.color == color) return ChangeStatus::kUnchanged;
  c.exec("UPDATE chats SET color = $2 WHERE id = $1", {chat_id, color});
  post_system(tx, chat_id, color_text(actor, color, name_of), "", actor);
  tx.raise(ChatChanged{chat_id, actor, ChatField::kColor, color});
  return ChangeStatus::kOk;
}

ChangeStatus set_chat_avatar(Tx& tx, int64_t chat_id, int64_t actor, const std::string& url, const NameOf& name_of) {
  Conn& c = tx.conn;
  if (ChangeStatus s = check_member(c, chat_id, actor); s != ChangeStatus::kOk) return s;
  c.exec("UPDATE chats SET avatar = $2 WHERE id = $1", {chat_id, url});
  post_system(tx, chat_id, avatar_text(actor, name_of), "", actor);
  tx.raise(ChatChanged{chat_id, actor, ChatField::kAvatar, url});
  return ChangeStatus::kOk;
}

void set_new_chat_avatar(Tx& tx, int64_t chat_id, const std::string& url) {
  tx.conn.exec("UPDATE chats SET avatar = $2 WHERE id = $1", {chat_id, url});
  tx.raise(ChatChanged{chat_id, 0, ChatField::kAvatar, url});
}

ChangeStatus set_chat_owner(Tx& tx, int64_t chat_id, int64_t actor, int64_t owner, const NameOf& name_of) {
  Conn& c = tx.conn;
  Chat chat;
  if (ChangeStatus s = check_member(c, chat_id, actor, &chat); s != ChangeStatus::kOk) return s;
  if (actor != chat.owner_id) return ChangeStatus::kForbidden;
  if (!is_member(c, chat_id, owner)) return ChangeStatus::kNotInChat;
  if (owner == chat.owner_id) return ChangeStatus::kUnchanged;
  c.exec("UPDATE chats SET owner_id = $2 WHERE id = $1", {chat_id, owner});
  post_system(tx, chat_id, owner_text(actor, owner, name_of), "", actor);
  tx.raise(ChatChanged{chat_id, actor, ChatField::kOwner, std::to_string(owner)});
  return ChangeStatus::kOk;
}

ChangeStatus set_chat_manager(Tx& tx, int64_t chat_id, int64_t actor, int64_t user, bool manager) {
  Conn& c = tx.conn;
  Chat chat;
  if (ChangeStatus s = check_member(c, chat_id, actor, &chat); s != ChangeStatus::kOk) return s;
  if (actor != chat.owner_id) return ChangeStatus::kForbidden;
  if (!is_member(c, chat_id, user)) return ChangeStatus::kNotInChat;
  c.exec("UPDATE chat_members SET manager = $3 WHERE chat_id = $1 AND user_id = $2",
         {chat_id, user, int64_t{manager ? 1 : 0}});
  tx.raise(ManagerChanged{chat_id, user, manager});
  return ChangeStatus::kOk;
}

ChangeStatus mute_chat(Tx& tx, int64_t chat_id, int64_t user, bool mute) {
  Conn& c = tx.conn;
  const int64_t changed = c.exec("UPDATE chat_members SET muted = $3 WHERE chat_id = $1 AND user_id = $2",
                                 {chat_id, user, int64_t{mute ? 1 : 0}});
  if (changed == 0) return ChangeStatus::kNoChat;
  tx.raise(ChatMuted{chat_id, user, mute});
  return ChangeStatus::kOk;
}

}  // namespace imhub
