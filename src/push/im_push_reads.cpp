// Read and unread (protocol-push.md §9.3): the reader's other tabs get readMessage(Chat) /
// unreadMessage(Chat) with their own counter; the other members get the …Opponent form; reading
// everything is readAllChats.
#include <algorithm>

#include "core/clock.hpp"
#include "push/im_push_commands.hpp"
#include "users/user.hpp"

namespace imhub {

namespace {

constexpr int64_t kMaxViewed = 200;  // the newest viewed ids listed (clients look for the last message)

const ChatMember* member_of(const ChatAudience& a, int64_t user_id) {
  for (const ChatMember& m : a.members)
    if (m.user_id == user_id) return &m;
  return nullptr;
}

// Messages of others in (after, up_to]: what the reader has just viewed, oldest first.
std::vector<int64_t> viewed_messages(Conn& c, int64_t chat_id, int64_t reader, int64_t after, int64_t up_to) {
  std::vector<int64_t> out;
  if (up_to <= after) return out;
  for (const Row& r : c.query("SELECT id FROM messages WHERE chat_id = $1 AND id > $2 AND id <= $3 AND author_id <> $4 "
                              "ORDER BY id DESC LIMIT $5",
                              {chat_id, after, up_to, reader, kMaxViewed}))
    out.push_back(r.i64(0));
  std::reverse(out.begin(), out.end());
  return out;
}

// readMessage / unreadMessage (and the Chat forms) for the reader's own tabs.
Value own_params(const ChatAudience& a, const ChatMember& me, const std::vector<int64_t>& viewed) {
  return Value::object({{"dialogId", Value(dialog_id_for(a.chat, a.ids, me.user_id))},
                        {"chatId", Value(a.chat.id)},
                        {"parentChatId", Value(0)},
                        {"type", Value(dialog_type(a.chat))},
                        {"lastId", Value(me.last_read_id)},
                        {"counter", Value(unread_count(a.chat, me))},
                        {"muted", Value(me.muted)},
                        {"unread", Value(me.marked_unread)},
                        {"lines", Value(false)},
                        {"viewedMessages", ids_list(viewed)},
                        {"counterType", Value("chat")}});
}

// The …Opponent form: the reader's new position as the other members see it.
void to_opponents(const ImOut& out, const ChatAudience& a, const ChatMember& me, std::string_view command,
                  const std::vector<int64_t>& viewed) {
  const auto reader = find_user(out.c, me.user_id);
  const std::string name = reader ? reader->full_name() : "";
  const std::string date = atom_time(now_unix_seconds());
  Fanout fan(out, kOpponentReadExpiry);
  for (int64_t receiver : a.ids) {
    if (receiver == me.user_id) continue;
    const std::string dialog = dialog_id_for(a.chat, a.ids, receiver);
    fan.add(receiver, dialog, [&] {
      return im_body(command, Value::object({{"dialogId", Value(dialog)},
                                             {"chatId", Value(a.chat.id)},
                                             {"userId", Value(me.user_id)},
                                             {"userName", Value(name)},
                                             {"lastId", Value(me.last_read_id)},
                                             {"date", Value(date)},
                                             {"viewedMessages", ids_list(viewed)},
                                             {"chatMessageStatus", Value("delivered")}}));
    });
  }
  fan.flush();
}

}  // namespace

void publish_im(const ImOut& out, const ChatRead& read) {
  const auto a = chat_audience(out.c, read.chat_id);
  const ChatMember* me = a ? member_of(*a, read.user_id) : nullptr;
  if (!me) return;
  const auto viewed = viewed_messages(out.c, a->chat.id, read.user_id, read.previous_id, read.last_id);
  const bool priv = is_private_chat(a->chat);
  out.to_user(read.user_id, im_body(priv ? "readMessage" : "readMessageChat", own_params(*a, *me, viewed)));
  to_opponents(out, *a, *me, priv ? "readMessageOpponent" : "readMessageChatOpponent", viewed);
}

void publish_im(const ImOut& out, const ChatUnread& unread) {
  const auto a = chat_audience(out.c, unread.chat_id);
  const ChatMember* me = a ? member_of(*a, unread.user_id) : nullptr;
  if (!me) return;
  const bool priv = is_private_chat(a->chat);
  out.to_user(unread.user_id, im_body(priv ? "unreadMessage" : "unreadMessageChat", own_params(*a, *me, {})));
  to_opponents(out, *a, *me, priv ? "unreadMessageOpponent" : "unreadMessageChatOpponent", {});
}

void publish_im(const ImOut& out, const AllRead& all) {
  out.to_user(all.user_id, im_body("readAllChats", Value::empty_object()));
}

}  // namespace imhub
