#include "im/recent.hpp"

#include "im/read_state.hpp"

#include <algorithm>

namespace imhub {
namespace {

int64_t activity_time(const Chat& chat) { return chat.last_message_at > 0 ? chat.last_message_at : chat.created_at; }

// The other participant of a private chat from its key "min:max"; the user for notes to self.
int64_t other_of(const std::string& private_key, int64_t user_id) {
  const auto colon = private_key.find(':');
  if (colon == std::string::npos) return user_id;
  const int64_t a = std::stoll(private_key.substr(0, colon)), b = std::stoll(private_key.substr(colon + 1));
  return a == user_id ? b : a;
}

// The number of columns of a SELECT list ("a.x, a.y").
size_t column_count(const std::string& list) {
  return static_cast<size_t>(std::count(list.begin(), list.end(), ',')) + 1;
}

}  // namespace

RecentKeys recent_keys(const Chat& chat, const ChatMember& member) {
  return RecentKeys{chat.id,       chat.type,           unread_count(chat, member), member.marked_unread,
                    member.pinned, activity_time(chat), chat.last_message_id};
}

bool recent_before(const RecentKeys& a, const RecentKeys& b) {
  if (a.pinned != b.pinned) return a.pinned;
  if (a.at != b.at) return a.at > b.at;
  if (a.last_message_id != b.last_message_id) return a.last_message_id > b.last_message_id;
  return a.chat_id < b.chat_id;
}

bool recent_admitted(const RecentKeys& k, const RecentFilter& f) {
  const bool dialog = k.type == "P";
  const bool lines = k.type == "L";
  if (f.only_lines) {
    if (!lines) return false;
  } else {
    if (f.skip_dialog && dialog) return false;
    if (f.skip_chat && !dialog && !lines) return false;
    if (f.skip_lines && lines) return false;
  }
  if (f.unread_only && k.unread == 0 && !k.marked_unread) return false;
  if (f.changed_since > 0 && k.at < f.changed_since) return false;
  if (f.before > 0 && k.at >= f.before) return false;
  return true;
}

std::vector<int64_t> member_chat_ids(Conn& c, int64_t user_id) {
  std::vector<int64_t> out;
  for (const Row& r : c.query("SELECT chat_id FROM chat_members WHERE user_id = $1", {user_id}))
    out.push_back(r.i64(0));
  return out;
}

namespace {

// One statement for a whole list: each entry's chat, membership and last message come from the
// same row, not from three lookups per chat. `one_chat`: of chat $2 only.
const std::string& recent_sql(bool one_chat) {
  static const std::string all =
      "SELECT " + chat_columns("ch") + ", " + member_columns("m") + ", " + message_columns("msg") +
      ", COALESCE(ch.private_key, ''), ch.members_version FROM chat_members m JOIN chats ch ON ch.id = m.chat_id "
      "LEFT JOIN messages msg ON msg.id = ch.last_message_id "
      "WHERE m.user_id = $1 AND ch.last_seq > m.hidden_at_seq";
  static const std::string one = all + " AND m.chat_id = $2";
  return one_chat ? one : all;
}

// The entries of `rows` (of recent_sql) that `f` admits, in the rows' order.
void read_entries(Rows rows, int64_t user_id, const RecentFilter& f, std::vector<RecentEntry>& out) {
  // Where each record's columns start, counted from the column lists themselves (a column added
  // to a record must not shift what the others read).
  static const size_t kMemberAt = column_count(chat_columns("ch"));
  static const size_t kMessageAt = kMemberAt + column_count(member_columns("m"));
  static const size_t kKeyAt = kMessageAt + column_count(message_columns("msg"));
  for (Row& r : rows) {
    RecentEntry e{read_chat(r), read_member(r, kMemberAt), std::nullopt, 0, r.i64(kKeyAt + 1), nullptr};
    if (!recent_admitted(recent_keys(e.chat, e.member), f)) continue;
    // An empty private dialog has nothing to show yet.
    if (e.chat.type == "P" && e.chat.last_message_id == 0) continue;
    if (!r.is_null(kMessageAt)) e.last = read_message(r, kMessageAt);
    if (e.chat.type == "P") e.other_user = other_of(r.str(kKeyAt), user_id);
    e.row = std::make_shared<const Row>(std::move(r));
    out.push_back(std::move(e));
  }
}

}  // namespace

std::vector<RecentEntry> load_recent(Conn& c, int64_t user_id, const RecentFilter& f) {
  std::vector<RecentEntry> out;
  read_entries(c.query(recent_sql(false), {user_id}), user_id, f, out);
  // Sorted by index, then moved once: an entry is dozens of strings, and a sort moves each many times.
  std::vector<RecentKeys> keys;
  keys.reserve(out.size());
  for (const RecentEntry& e : out) keys.push_back(recent_keys(e.chat, e.member));
  std::vector<size_t> order(out.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&keys](size_t a, size_t b) { return recent_before(keys[a], keys[b]); });
  std::vector<RecentEntry> sorted;
  sorted.reserve(out.size());
  for (size_t i : order) sorted.push_back(std::move(out[i]));
  return sorted;
}

std::vector<RecentEntry> load_recent_chats(Conn& c, int64_t user_id, const std::vector<int64_t>& chat_ids) {
  std::vector<RecentEntry> out;
  for (int64_t chat : chat_ids) read_entries(c.query(recent_sql(true), {user_id, chat}), user_id, RecentFilter{}, out);
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
    if (u.type == "P") u.other_user = other_of(r.str(5), user_id);  // the other one is the dialog
    out.push_back(u);
  }
  return out;
}

void pin_recent(Tx& tx, int64_t chat_id, int64_t user_id, bool pin) {
  tx.conn.exec("UPDATE chat_members SET pinned = $3 WHERE chat_id = $1 AND user_id = $2",
               {chat_id, user_id, int64_t{pin ? 1 : 0}});
  tx.raise(RecentChanged{user_id, chat_id, pin ? RecentMark::kPinned : RecentMark::kUnpinned});
}

void hide_recent(Tx& tx, const Chat& chat, int64_t user_id) {
  tx.conn.exec("UPDATE chat_members SET hidden_at_seq = $3, pinned = 0 WHERE chat_id = $1 AND user_id = $2",
               {chat.id, user_id, chat.last_seq});
  tx.raise(RecentChanged{user_id, chat.id, RecentMark::kHidden});
}

void mark_recent_unread(Tx& tx, const Chat& chat, const ChatMember& member, bool mark) {
  if (!mark) read_up_to(tx, chat, member, 0);
  tx.conn.exec("UPDATE chat_members SET marked_unread = $3 WHERE chat_id = $1 AND user_id = $2",
               {chat.id, member.user_id, int64_t{mark ? 1 : 0}});
  tx.raise(RecentChanged{member.user_id, chat.id, mark ? RecentMark::kMarkedUnread : RecentMark::kUnmarkedUnread});
}

}  // namespace imhub
