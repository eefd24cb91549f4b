#include "bots/command_answer.hpp"

#include "im/chat.hpp"
#include "im/message.hpp"
#include "im/message_post.hpp"

namespace imhub {

std::string command_answer_prefix(int64_t bot_id) { return "[USER=" + std::to_string(bot_id) + "][/USER] Chat Bot:\n"; }

int64_t post_command_answer(Tx& tx, const Command& cmd, int64_t message_id, const CommandAnswer& answer) {
  Conn& w = tx.conn;
  auto message = find_message(w, message_id);
  if (!message || message->deleted) return 0;
  auto chat = find_chat(w, message->chat_id);
  if (!chat) return 0;
  const bool bot_in_chat = find_member(w, chat->id, cmd.bot_id).has_value();
  // A bot answers where it is; a COMMON command also where it was called (spec 002 "Commands":
  // "formulates the response from chatbot, even if the chat doesn't have a chatbot").
  if (!bot_in_chat && !(cmd.common && text_calls_command(message->text, cmd.command))) return 0;
  NewMessage reply;
  reply.chat_id = chat->id;
  reply.author_id = cmd.bot_id;
  reply.params_json = answer.params_json;
  if (bot_in_chat && !answer.system) {
    reply.text = answer.text;
  } else {
    reply.system = true;
    reply.text = command_answer_prefix(cmd.bot_id) + answer.text;
  }
  return post_message(tx, *chat, reply, true);
}

}  // namespace imhub
