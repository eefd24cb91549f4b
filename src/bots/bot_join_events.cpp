// ONIMBOTJOINCHAT when bots are added to a chat (protocol.md §9.3, Bot::onJoinChat), and the
// notice a supervisor's arrival leaves in a group chat.
#include "bots/bot_hooks.hpp"

#include "bots/bot_payload.hpp"
#include "core/json.hpp"
#include "im/message_post.hpp"

namespace imhub {
namespace {

constexpr const char* kJoinChat = "ONIMBOTJOINCHAT";

// Everyone should know a supervisor reads along (BOT_SUPERVISOR_NOTICE_*; imhub's wording).
std::string supervisor_notice(int64_t bot_id, bool access_history) {
  const std::string bot = "[USER=" + std::to_string(bot_id) + "][/USER]";
  return access_history ? bot + " can see all messages of this chat, earlier ones included"
                        : bot + " can see the new messages of this chat";
}

}  // namespace

void bots_on_members_added(Tx& tx, const Cause& cause, int64_t chat_id, const std::vector<int64_t>& users,
                           bool access_history) {
  Conn& w = tx.conn;
  std::optional<Chat> chat;
  for (int64_t id : users) {
    auto bot = find_bot(w, id);
    if (!bot) continue;
    if (!chat) chat = find_chat(w, chat_id);
    if (!chat) return;
    if (!is_private(*chat) && bot->supervisor()) {
      post_message(
          tx, *chat,
          NewMessage{chat_id, 0, supervisor_notice(bot->id, access_history),
                     to_json(Value::object({{"CLASS", Value("bx-messenger-content-item-system")}})), true, ""});
    }
    BotEvent e;
    e.event = kJoinChat;
    e.targets.push_back(bot_target(*bot, kJoinChat));
    e.params = join_params(*chat, bot->id, cause.user_id, access_history);
    e.user = user_block(w, cause.user_id, false);
    e.order_key = "chat:" + std::to_string(chat_id);
    send_bot_event(w, e, cause);
  }
}

}  // namespace imhub
