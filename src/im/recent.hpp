// The recent list: every chat a user is in that has something to show, newest activity first,
// pinned ones on top. Hidden entries come back with the next message.
#pragma once

#include <cstdint>
#include <memory>
#include <vector>

#include "im/change_feed.hpp"
#include "im/chat.hpp"
#include "im/message.hpp"
#include "store/store.hpp"

namespace imhub {

struct RecentEntry {
  Chat chat;
  ChatMember member;
  std::optional<Message> last;  // the chat's newest message
  int64_t other_user = 0;       // P chats: the other participant
  int64_t members_version = 0;  // chats.members_version: the chat's roster stamp (chat_roster.hpp)
  // The row all of the above were read from: an item built from an equal row is the same item.
  std::shared_ptr<const Row> row;
};

struct RecentFilter {
  bool skip_chat = false;    // C and O chats
  bool skip_dialog = false;  // P chats
  bool only_lines = false;   // open-line (L) chats only
  bool skip_lines = false;
  bool unread_only = false;
  int64_t changed_since = 0;  // last_message_at at or after this (0: any)
  int64_t before = 0;         // last_message_at before this (0: any), a cursor
};

std::vector<RecentEntry> load_recent(Conn& c, int64_t user_id, const RecentFilter& f);

// What the filters and the order read of an entry, for a list kept beyond one call
// (views/recent_projection): load_recent(f) is load_recent({}) less the entries
// recent_admitted(keys, f) refuses, in order.
struct RecentKeys {
  int64_t chat_id = 0;
  std::string type;
  int64_t unread = 0;
  bool marked_unread = false;
  bool pinned = false;
  int64_t at = 0;  // last activity: the last message's time, else the chat's creation
  int64_t last_message_id = 0;
};
RecentKeys recent_keys(const Chat& chat, const ChatMember& member);
bool recent_admitted(const RecentKeys& k, const RecentFilter& f);
// The list's order: pinned first, then the newest activity, the newest last message, the lower
// chat id (a total order, so a list can be patched and sorted again).
bool recent_before(const RecentKeys& a, const RecentKeys& b);

// load_recent({}) of `chat_ids` only (those of them the list shows), unsorted: what a kept list
// reads again for the chats that changed.
std::vector<RecentEntry> load_recent_chats(Conn& c, int64_t user_id, const std::vector<int64_t>& chat_ids);

// Every chat the user is a member of, hidden ones and empty dialogs included.
std::vector<int64_t> member_chat_ids(Conn& c, int64_t user_id);

// Per-chat unread counters of a user, for im.counters.get.
struct UnreadCounter {
  int64_t chat_id = 0;
  std::string type;
  int64_t other_user = 0;
  int64_t unread = 0;
  bool muted = false;
  bool marked_unread = false;
};
std::vector<UnreadCounter> unread_counters(Conn& c, int64_t user_id);

// --- A user's marks on their recent list (im.recent.pin / hide / unread); each raises
// RecentChanged. The user must be a member (the caller checks).
void pin_recent(Tx& tx, int64_t chat_id, int64_t user_id, bool pin);
// Out of the list (and unpinned) until the chat has a new message.
void hide_recent(Tx& tx, const Chat& chat, int64_t user_id);
// Marked unread; unmarking also reads the chat ("N — remove the flag and mark the dialog as
// read", reference im-recent-unread.md).
void mark_recent_unread(Tx& tx, const Chat& chat, const ChatMember& member, bool mark);

}  // namespace imhub
