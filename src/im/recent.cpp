#include "im/recent.hpp"

#include <algorithm>

namespace imhub {
namespace {

bool admitted(const Chat& chat, const ChatMember& m, const RecentFilter& f) {
  const bool dialog = chat.type == "P";
  const bool lines = chat.type == "L";
  if (f.only_lines) {
    if (!lines) return false;
  } else {
    if (f.skip_dialog && dialog) return false;
    if (f.skip_chat && !dialog && !lines) return false;
    if (f.skip_lines && lines) return false;
  }
  if (f.unread_only && unread_count(chat, m) == 0 && !m.marked_unread) return false;
  const int64_t at = chat.last_message_at > 0 ? chat.last_message_at : chat.created_at;
  if (f.changed_since > 0 && at < f.changed_since) return false;
  if (f.before > 0 && at >= f.before) return false;
  return true;
}

int64_t activity_time(const RecentEntry& e) {
  return e.chat.last_message_at > 0 ? e.chat.last_message_at : e.chat.created_at;
}

}  // namespace

std::vector<RecentEntry> load_recent(Conn& c, int64_t user_id, const RecentFilter& f) {
  std::vector<RecentEntry> out;
  Rows rows = c.query(
      "SELECT chat_id FROM chat_members m JOIN chats ch ON ch.id = m.chat_id "
      "WHERE m.user_id = $1 AND ch.last_seq > m.hidden_at_seq",
      {user_id});
  for (const Row& r : rows) {
    auto chat = find_chat(c, r.i64(0));
    auto member = chat ? find_member(c, chat->id, user_id) : std::nullopt;
    if (!chat || !member || !admitted(*chat, *member, f)) continue;
    // An empty private dialog has nothing to show yet.
    if (chat->type == "P" && chat->last_message_id == 0) continue;
    RecentEntry e{*chat, *member, std::nullopt, 0};
    if (chat->last_message_id > 0) e.last = find_message(c, chat->last_message_id);
    if (chat->type == "P") {
      for (int64_t id : member_ids(c, chat->id))
        if (id != user_id) e.other_user = id;
      if (e.other_user == 0) e.other_user = user_id;  // notes to self
    }
    out.push_back(std::move(e));
  }
  std::stable_sort(out.begin(), out.end(), [](const RecentEntry& a, const RecentEntry& b) {
    if (a.member.pinned != b.member.pinned) return a.member.pinned;
    const int64_t ta = activity_time(a), tb = activity_time(b);
    if (ta != tb) return ta > tb;
    return a.chat.last_message_id > b.chat.last_message_id;
  });
  return out;
}

std::vector<UnreadCounter> unread_counters(Conn& c, int64_t user_id) {
  std::vector<UnreadCounter> out;
  Rows rows = c.query(
      "SELECT ch.id, ch.type, ch.last_seq - m.last_read_seq, m.muted, m.marked_unread, ch.private_key "
      "FROM chat_members m JOIN chats ch ON ch.id = m.chat_id "
      "WHERE m.user_id = $1 AND (ch.last_seq > m.last_read_seq OR m.marked_unread = 1)",
      {user_id});
  for (const Row& r : rows) {
    UnreadCounter u{r.i64(0), r.str(1), 0, std::max<int64_t>(0, r.i64(2)), r.i64(3) != 0, r.i64(4) != 0};
    if (u.type == "P") {
      // private_key is "min:max"; the other one is the dialog.
      const std::string& key = r.str(5);
      const auto colon = key.find(':');
      if (colon != std::string::npos) {
        const int64_t a = std::stoll(key.substr(0, colon)), b = std::stoll(key.substr(colon + 1));
        u.other_user = a == user_id ? b : a;
      }
    }
    out.push_back(u);
  }
  return out;
}

}  // namespace imhub
