#include "bots/bot_payload.hpp"

#include "bots/mentions.hpp"
#include "im/user_visibility.hpp"

namespace imhub {
namespace {

const char* yn(bool v) { return v ? "Y" : "N"; }

std::string dialog_id(const Chat& chat, int64_t author) {
  return is_private(chat) ? std::to_string(author) : "chat" + std::to_string(chat.id);
}

// CHAT_AUTHOR_ID: the chat's owner; private chats have none, their creator stands in.
int64_t chat_author(const Chat& chat) { return chat.owner_id > 0 ? chat.owner_id : chat.author_id; }

int64_t member_count(Conn& c, int64_t chat_id) {
  auto r = c.query_one("SELECT COUNT(*) FROM chat_members WHERE chat_id = $1", {chat_id});
  return r ? r->i64(0) : 0;
}

int64_t previous_message(Conn& c, int64_t chat_id, int64_t message_id) {
  auto r = c.query_one("SELECT MAX(id) FROM messages WHERE chat_id = $1 AND id < $2", {chat_id, message_id});
  return r ? r->i64(0) : 0;
}

// The chat block of group-chat message events (the platform's CHAT_* fields).
void chat_block(Value& p, Conn& c, const Chat& chat, const MessageFacts& m, bool with_parent) {
  p["CHAT_ID"] = chat.id;
  if (with_parent) {
    p["CHAT_PARENT_ID"] = int64_t{0};
    p["CHAT_PARENT_MID"] = int64_t{0};
  }
  p["CHAT_TITLE"] = chat.title;
  p["CHAT_AUTHOR_ID"] = chat_author(chat);
  p["CHAT_TYPE"] = chat.type;
  p["CHAT_AVATAR"] = chat.avatar.empty() ? std::string("0") : chat.avatar;
  p["CHAT_COLOR"] = chat.color;
  p["CHAT_ENTITY_TYPE"] = chat.entity_type;
  p["CHAT_ENTITY_ID"] = chat.entity_id;
  p["CHAT_ENTITY_DATA_1"] = chat.entity_data_1;
  p["CHAT_ENTITY_DATA_2"] = chat.entity_data_2;
  p["CHAT_ENTITY_DATA_3"] = chat.entity_data_3;
  p["CHAT_EXTRANET"] = "N";
  p["CHAT_PREV_MESSAGE_ID"] = previous_message(c, chat.id, m.id);
  p["CHAT_CAN_POST"] = "MEMBER";
  p["RID"] = m.author_id;
  p["IS_MANAGER"] = "N";
}

// The delivery flags CIMMessenger::Add sets on every message, all at their defaults.
void send_flags(Value& p, bool command) {
  if (command) p["SKIP_USER_CHECK"] = "Y";
  p["PUSH"] = "Y";
  p["PUSH_IMPORTANT"] = "N";
  if (command) p["RECENT_ADD"] = "Y";
  for (const char* flag : {"RECENT_SKIP_AUTHOR", "CONVERT", "SKIP_COMMAND", "SKIP_COUNTER_INCREMENTS",
                           "SILENT_CONNECTOR", "SKIP_CONNECTOR", "IMPORTANT_CONNECTOR", "NO_SESSION_OL"})
    p[flag] = "N";
  p["FAKE_RELATION"] = int64_t{0};
  p["SKIP_URL_INDEX"] = "N";
}

Value mentioned_list(std::string_view text) {
  Value list = Value::map();
  for (int64_t id : mentioned_user_ids(text)) list[std::to_string(id)] = id;
  return list;
}

// The chat fields of update and delete events (CIMMessenger::Update/Delete).
void entity_block(Value& p, const Chat& chat) {
  p["CHAT_AUTHOR_ID"] = chat_author(chat);
  if (!is_private(chat)) p["CHAT_ENTITY_TYPE"] = chat.entity_type;
  p["CHAT_ENTITY_ID"] = chat.entity_id;
  p["CHAT_ENTITY_DATA_1"] = chat.entity_data_1;
  p["CHAT_ENTITY_DATA_2"] = chat.entity_data_2;
  p["CHAT_ENTITY_DATA_3"] = chat.entity_data_3;
}

}  // namespace

MessageFacts facts_of(const Message& m) { return MessageFacts{m.id, m.author_id, m.text, m.system, ""}; }

BotTarget bot_target(const Bot& bot, const std::string& event) {
  BotTarget t;
  t.bot = bot;
  t.key = std::to_string(bot.id);
  t.entry = Value::object({{"BOT_ID", Value(bot.id)}, {"BOT_CODE", Value(bot.code)}});
  t.handler = bot_handler_for(bot, event);
  return t;
}

Value user_block(Conn& c, int64_t user_id, bool flags) {
  Value u = Value::map();
  if (user_id <= 0) return u;
  auto user = find_user(c, user_id);
  if (!user) return u;
  u["ID"] = user->id;
  u["NAME"] = user->full_name();
  u["FIRST_NAME"] = user->name;
  u["LAST_NAME"] = user->last_name;
  u["WORK_POSITION"] = user->work_position;
  u["GENDER"] = user->personal_gender == "F" ? "F" : "M";
  if (flags) {
    u["IS_BOT"] = yn(is_bot_user(*user));
    u["IS_CONNECTOR"] = yn(user->external_auth_id == "imconnector");
    u["IS_NETWORK"] = "N";
    u["IS_EXTRANET"] = yn(user->user_type == "extranet");
  }
  return u;
}

bool is_private(const Chat& chat) { return chat.type == "P"; }

int64_t private_peer(Conn& c, const Chat& chat, int64_t user_id) {
  for (int64_t id : member_ids(c, chat.id))
    if (id != user_id) return id;
  return 0;
}

Value message_add_params(Conn& c, const Chat& chat, const MessageFacts& m, int64_t peer) {
  const bool priv = is_private(chat);
  Value p = Value::map();
  p["MESSAGE"] = priv ? m.text : strip_mentions(m.text);
  p["TEMPLATE_ID"] = m.template_id;
  p["MESSAGE_TYPE"] = chat.type;
  p["FROM_USER_ID"] = m.author_id;
  p["DIALOG_ID"] = dialog_id(chat, m.author_id);
  p["TO_CHAT_ID"] = chat.id;
  p["AUTHOR_ID"] = m.author_id;
  p["SYSTEM"] = yn(m.system);
  if (priv)
    p["TO_USER_ID"] = peer;
  else
    chat_block(p, c, chat, m, false);
  send_flags(p, false);
  p["COMMAND_CONTEXT"] = "TEXTAREA";
  p["CHAT_USER_COUNT"] = member_count(c, chat.id);
  if (!priv) p["MENTIONED_LIST"] = mentioned_list(m.text);
  p["PLATFORM_CONTEXT"] = "web";
  if (!priv) {
    p["MESSAGE_ORIGINAL"] = m.text;
    p["TO_USER_ID"] = first_mentioned_user(m.text).value_or(0);
  }
  p["MESSAGE_ID"] = m.id;
  p["CHAT_TYPE"] = chat.type;
  p["LANGUAGE"] = kBotEventLanguage;
  return p;
}

Value message_update_params(Conn& c, const Chat& chat, const MessageFacts& m, int64_t peer) {
  const bool priv = is_private(chat);
  Value p = Value::map();
  p["ID"] = m.id;
  p["CHAT_ID"] = chat.id;
  p["AUTHOR_ID"] = m.author_id;
  p["MESSAGE"] = priv ? m.text : strip_mentions(m.text);
  p["MESSAGE_TYPE"] = chat.type;
  entity_block(p, chat);
  if (priv) {
    p["FROM_USER_ID"] = m.author_id;
    p["TO_USER_ID"] = peer;
  }
  p["CHAT_USER_COUNT"] = member_count(c, chat.id);
  if (!priv) p["MENTIONED_LIST"] = mentioned_list(m.text);
  p["PLATFORM_CONTEXT"] = "web";
  if (!priv) {
    p["MESSAGE_ORIGINAL"] = m.text;
    p["TO_USER_ID"] = first_mentioned_user(m.text).value_or(0);
  }
  p["DIALOG_ID"] = dialog_id(chat, m.author_id);
  p["MESSAGE_ID"] = m.id;
  p["CHAT_TYPE"] = chat.type;
  p["LANGUAGE"] = kBotEventLanguage;
  return p;
}

Value message_delete_params(const Chat& chat, const MessageFacts& m, int64_t peer) {
  const bool priv = is_private(chat);
  Value p = Value::map();
  p["ID"] = m.id;
  p["CHAT_ID"] = chat.id;
  p["AUTHOR_ID"] = m.author_id;
  p["MESSAGE"] = m.text;
  p["MESSAGE_TYPE"] = chat.type;
  entity_block(p, chat);
  if (priv) {
    p["FROM_USER_ID"] = m.author_id;
    p["TO_USER_ID"] = peer;
  }
  p["DIALOG_ID"] = dialog_id(chat, m.author_id);
  p["MESSAGE_ID"] = m.id;
  p["CHAT_TYPE"] = chat.type;
  p["LANGUAGE"] = kBotEventLanguage;
  return p;
}

Value command_params(Conn& c, const Chat& chat, const MessageFacts& m, int64_t peer,
                     const std::vector<int64_t>& bots_in_chat) {
  const bool priv = is_private(chat);
  Value p = Value::map();
  p["MESSAGE"] = m.text;
  p["TEMPLATE_ID"] = m.template_id;
  p["MESSAGE_TYPE"] = chat.type;
  p["FROM_USER_ID"] = m.author_id;
  p["DIALOG_ID"] = dialog_id(chat, m.author_id);
  p["TO_CHAT_ID"] = chat.id;
  p["AUTHOR_ID"] = m.author_id;
  p["SYSTEM"] = yn(m.system);
  if (priv) {
    p["TO_USER_ID"] = peer;
  } else {
    chat_block(p, c, chat, m, true);
    Value in_chat = Value::map();
    for (int64_t id : bots_in_chat) in_chat[std::to_string(id)] = id;
    p["BOT_IN_CHAT"] = std::move(in_chat);
  }
  send_flags(p, true);
  p["MESSAGE_ID"] = m.id;
  p["CHAT_TYPE"] = chat.type;
  p["LANGUAGE"] = kBotEventLanguage;
  return p;
}

Value join_params(const Chat& chat, int64_t bot_id, int64_t user_id, bool access_history) {
  Value p = Value::map();
  p["CHAT_TYPE"] = chat.type;
  p["MESSAGE_TYPE"] = chat.type;
  p["BOT_ID"] = bot_id;
  p["USER_ID"] = user_id;
  if (is_private(chat)) {
    // The bot is the party the user opened the dialog with (reference example).
    p["TO_USER_ID"] = user_id;
    p["FROM_USER_ID"] = bot_id;
    p["DIALOG_ID"] = std::to_string(user_id);
  } else {
    p["CHAT_ID"] = chat.id;
    p["CHAT_AUTHOR_ID"] = chat_author(chat);
    p["CHAT_ENTITY_TYPE"] = chat.entity_type;
    p["CHAT_ENTITY_ID"] = chat.entity_id;
    p["ACCESS_HISTORY"] = int64_t{access_history ? 1 : 0};
    p["DIALOG_ID"] = "chat" + std::to_string(chat.id);
  }
  p["LANGUAGE"] = kBotEventLanguage;
  return p;
}

}  // namespace imhub
