// Chat membership and properties (protocol-push.md §9.5), to every member and an open chat's
// watchers: chatUserAdd (also for a new chat: below), chatUserLeave (also to whoever left or was
// removed), chatRename, chatAvatar, chatChangeColor, chatOwner, chatManagers.
#include "push/im_push_commands.hpp"
#include "views/chat_view.hpp"

namespace imhub {

namespace {

Value chat_id_and(int64_t chat_id, std::string_view key, Value value) {
  Value v = Value::object({{"chatId", Value(chat_id)}});
  v[key] = std::move(value);
  return v;
}

// The owner first, then the members made managers (the chat object's manager_list).
Value manager_list(Conn& c, const Chat& chat) { return im_chat_object(c, chat, {false, 0, nullptr})["manager_list"]; }

void chat_user_add(const ImOut& out, const ChatAudience& a, const std::vector<int64_t>& added) {
  const Value users = users_by_id(out.c, out.config, added);
  to_chat(out, a, "chatUserAdd", [&](const std::string& dialog) {
    return Value::object({{"chatId", Value(a.chat.id)},
                          {"dialogId", Value(dialog)},
                          {"chatTitle", Value(a.chat.title)},
                          {"chatOwner", Value(a.chat.owner_id)},
                          {"chatExtranet", Value(false)},
                          {"users", users},
                          {"newUsers", ids_list(added)},
                          {"userCount", Value(static_cast<int64_t>(a.ids.size()))}});
  });
}

}  // namespace

void publish_im(const ImOut& out, const MembersAdded& added) {
  const auto a = chat_audience(out.c, added.chat_id);
  if (!a) return;
  chat_user_add(out, *a, added.users);
}

// Bitrix24 announces a new chat with the system messages it writes into it ("… created the
// chat", then "… invited …" as messageChat), which put it into every member's recent list.
// imhub writes no such message (a chat starts empty, or with the caller's MESSAGE), so the
// members hear chatUserAdd instead: everyone but the creator is new, and each member's client
// shows the chat at once, as im.recent.list already lists it.
void publish_im(const ImOut& out, const ChatCreated& created) {
  if (is_private_chat(created.chat)) return;  // a dialog shows with its first message
  const auto a = chat_audience(out.c, created.chat.id);
  if (!a) return;
  std::vector<int64_t> added = a->ids;
  std::erase(added, created.chat.author_id);
  chat_user_add(out, *a, added);
}

void publish_im(const ImOut& out, const MemberRemoved& removed) {
  const auto a = chat_audience(out.c, removed.chat_id);
  if (!a) return;
  const auto said = find_message(out.c, removed.message_id);
  auto params = [&](const std::string& dialog) {
    return Value::object({{"chatId", Value(a->chat.id)},
                          {"chatTitle", Value(a->chat.title)},
                          {"dialogId", Value(dialog)},
                          {"message", Value(said ? said->text : "")},
                          {"userCount", Value(static_cast<int64_t>(a->ids.size()))},
                          {"userId", Value(removed.user)}});
  };
  to_chat(out, *a, "chatUserLeave", params);
  // No longer a member, but their tabs must close the chat.
  out.to_user(removed.user, im_body("chatUserLeave", params(chat_dialog_id(a->chat.id))));
}

void publish_im(const ImOut& out, const ChatChanged& changed) {
  const auto a = chat_audience(out.c, changed.chat_id);
  if (!a) return;
  const int64_t id = a->chat.id;
  switch (changed.field) {
    case ChatField::kTitle:
      return to_chat(out, *a, "chatRename",
                     [&](const std::string&) { return chat_id_and(id, "name", Value(changed.value)); });
    case ChatField::kAvatar:
      return to_chat(out, *a, "chatAvatar",
                     [&](const std::string&) { return chat_id_and(id, "avatar", Value(changed.value)); });
    case ChatField::kColor:
      return to_chat(out, *a, "chatChangeColor", [&](const std::string&) {
        return chat_id_and(id, "color", Value(chat_color_hex(changed.value)));
      });
    case ChatField::kOwner:
      return to_chat(out, *a, "chatOwner", [&](const std::string& dialog) {
        return Value::object({{"chatId", Value(id)}, {"dialogId", Value(dialog)}, {"userId", Value(a->chat.owner_id)}});
      });
    case ChatField::kDescription:
      // chatUpdate carries the whole chat object (what the current messenger applies).
      return to_chat(out, *a, "chatUpdate", [&](const std::string& dialog) {
        Value chat = im_chat_object(out.c, a->chat, {false, 0, nullptr});
        chat["dialogId"] = Value(dialog);
        return Value::object({{"chat", std::move(chat)}});
      });
  }
}

void publish_im(const ImOut& out, const ManagerChanged& changed) {
  const auto a = chat_audience(out.c, changed.chat_id);
  if (!a) return;
  const Value list = manager_list(out.c, a->chat);
  to_chat(out, *a, "chatManagers", [&](const std::string& dialog) {
    return Value::object({{"chatId", Value(a->chat.id)}, {"dialogId", Value(dialog)}, {"list", list}});
  });
}

}  // namespace imhub
