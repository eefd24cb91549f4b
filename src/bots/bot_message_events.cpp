// ONIMBOTMESSAGEADD / UPDATE / DELETE and the private-dialog ONIMBOTJOINCHAT (protocol.md §9.2,
// Bot::getBotsForMessage).
#include <algorithm>

#include "bots/bot_command_events.hpp"
#include "bots/bot_hooks.hpp"
#include "bots/bot_payload.hpp"
#include "bots/member_bots_cache.hpp"
#include "bots/mentions.hpp"

namespace imhub {
namespace {

constexpr const char* kMessageAdd = "ONIMBOTMESSAGEADD";
constexpr const char* kMessageUpdate = "ONIMBOTMESSAGEUPDATE";
constexpr const char* kMessageDelete = "ONIMBOTMESSAGEDELETE";
constexpr const char* kJoinChat = "ONIMBOTJOINCHAT";

bool authored_by_bot(const std::vector<Bot>& members, int64_t author) {
  return std::any_of(members.begin(), members.end(), [&](const Bot& b) { return b.id == author; });
}

// The member bots a message of `chat` reaches: the other party of a private chat; in an
// open-line chat every bot that supports open lines; elsewhere the mentioned bots and every
// supervisor.
std::vector<Bot> receivers(const Chat& chat, const std::vector<Bot>& members, std::string_view text) {
  if (is_private(chat)) return members;
  std::vector<Bot> out;
  if (chat.entity_type == "LINES") {
    for (const Bot& b : members)
      if (b.openline) out.push_back(b);
    return out;
  }
  const std::vector<int64_t> mentioned = mentioned_user_ids(text);
  for (const Bot& b : members)
    if (b.supervisor() || std::find(mentioned.begin(), mentioned.end(), b.id) != mentioned.end()) out.push_back(b);
  return out;
}

std::string order_key(int64_t chat_id) { return "chat:" + std::to_string(chat_id); }

BotEvent event_for(const std::string& name, const std::vector<Bot>& bots, int64_t chat_id) {
  BotEvent e;
  e.event = name;
  for (const Bot& b : bots) e.targets.push_back(bot_target(b, name));
  e.order_key = order_key(chat_id);
  return e;
}

// The bots an edit or deletion of `m` concerns; empty when a bot wrote it or none is there.
struct Audience {
  std::optional<Chat> chat;
  std::vector<Bot> bots;
};
Audience audience(Conn& w, const Message& m, std::string_view text) {
  Audience a;
  if (m.author_id <= 0) return a;
  a.chat = find_chat(w, m.chat_id);
  if (!a.chat) return a;
  std::vector<Bot> members = member_bots(w, m.chat_id);
  if (members.empty() || authored_by_bot(members, m.author_id)) return a;
  a.bots = receivers(*a.chat, members, text);
  return a;
}

}  // namespace

void bots_on_message_added(Conn& w, const Cause& cause, const Chat& chat, int64_t message_id, const NewMessage& m) {
  if (m.author_id <= 0) return;  // the chat's own system messages
  const std::vector<Bot> members = write_path_member_bots(w, chat.id);
  if (authored_by_bot(members, m.author_id)) return;
  const bool commands = !m.system && has_command_line(m.text);
  if (members.empty() && !commands) return;
  const MessageFacts facts{message_id, m.author_id, m.text, m.system, m.template_id};
  const int64_t peer = is_private(chat) ? private_peer(w, chat, m.author_id) : 0;
  // A private chat with a bot comes into being with its first message: the user opened the
  // dialog, which the bot hears before the message itself.
  if (is_private(chat) && chat.last_seq == 0) {
    for (const Bot& b : members) {
      BotEvent join = event_for(kJoinChat, {b}, chat.id);
      join.params = join_params(chat, b.id, m.author_id, true);
      join.user = user_block(w, m.author_id, false);
      send_bot_event(w, join, cause);
    }
  }
  const std::vector<Bot> to = receivers(chat, members, m.text);
  if (!to.empty()) {
    BotEvent e = event_for(kMessageAdd, to, chat.id);
    e.params = message_add_params(w, chat, facts, peer);
    e.user = user_block(w, m.author_id, true);
    send_bot_event(w, e, cause);
  }
  if (commands) send_typed_commands(w, cause, chat, facts, peer, members);
}

void bots_on_message_updated(Conn& w, const Cause& cause, const Message& before, const Message& after) {
  (void)before;
  Audience a = audience(w, after, after.text);
  if (a.bots.empty()) return;
  const int64_t peer = is_private(*a.chat) ? private_peer(w, *a.chat, after.author_id) : 0;
  BotEvent e = event_for(kMessageUpdate, a.bots, a.chat->id);
  e.params = message_update_params(w, *a.chat, facts_of(after), peer);
  // FROM_USER_ID, and with it USER, exists for private chats only (reference examples).
  if (is_private(*a.chat)) e.user = user_block(w, after.author_id, true);
  send_bot_event(w, e, cause);
}

void bots_on_message_deleted(Conn& w, const Cause& cause, const Message& before, const Message& after) {
  // Who was mentioned is read from the text as it was.
  Audience a = audience(w, before, before.text);
  if (a.bots.empty()) return;
  const int64_t peer = is_private(*a.chat) ? private_peer(w, *a.chat, before.author_id) : 0;
  BotEvent e = event_for(kMessageDelete, a.bots, a.chat->id);
  e.params = message_delete_params(*a.chat, facts_of(after), peer);
  if (is_private(*a.chat)) e.user = user_block(w, before.author_id, true);
  send_bot_event(w, e, cause);
}

}  // namespace imhub
