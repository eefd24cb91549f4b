#include "bots/bot_registry.hpp"

#include "apps/event_binding.hpp"
#include "bots/chat_app.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "users/user.hpp"

namespace imhub {
namespace {

// The events imbot.register subscribes, with the handler each takes.
struct HandlerEvent {
  const char* event;
  std::string BotHandlers::*url;
};
constexpr HandlerEvent kHandlerEvents[] = {
    {"ONIMBOTMESSAGEADD", &BotHandlers::message_add},
    {"ONIMBOTMESSAGEUPDATE", &BotHandlers::message_update},
    {"ONIMBOTMESSAGEDELETE", &BotHandlers::message_delete},
    {"ONIMBOTJOINCHAT", &BotHandlers::welcome},
    {"ONIMBOTDELETE", &BotHandlers::bot_delete},
};

constexpr size_t kMaxLoginChars = 50;

std::string bot_login(const std::string& code) {
  std::string login = "bot_rest_" + code + "_" + random_token(5);
  if (login.size() > kMaxLoginChars) login.resize(kMaxLoginChars);
  return login;
}

// One subscription per application and event (imbot-register.md: "Only one set of event handler
// URLs can be used in a single application"): a new URL replaces the application's earlier one.
void bind_app_handlers(Conn& w, int64_t app_id, const BotHandlers& h) {
  for (const HandlerEvent& he : kHandlerEvents) {
    const std::string& url = h.*he.url;
    if (url.empty()) continue;
    w.exec("DELETE FROM event_bindings WHERE app_id = $1 AND event = $2 AND offline = 0 AND user_id = 0",
           {app_id, std::string(he.event)});
    EventBinding b;
    b.app_id = app_id;
    b.event = he.event;
    b.handler = url;
    add_binding(w, b);
  }
}

void unbind_app_handlers(Conn& w, int64_t app_id) {
  for (const HandlerEvent& he : kHandlerEvents)
    w.exec("DELETE FROM event_bindings WHERE app_id = $1 AND event = $2 AND offline = 0 AND user_id = 0",
           {app_id, std::string(he.event)});
}

// The given handlers replace the row's; empty ones leave it as it was.
void store_handlers(Conn& w, int64_t bot_id, const BotHandlers& h) {
  static constexpr const char* kColumns[] = {"handler_message_add", "handler_message_update", "handler_message_delete",
                                             "handler_welcome", "handler_bot_delete"};
  for (size_t i = 0; i < std::size(kHandlerEvents); ++i) {
    const std::string& url = h.*kHandlerEvents[i].url;
    if (!url.empty()) w.exec(std::string("UPDATE bots SET ") + kColumns[i] + " = $2 WHERE id = $1", {bot_id, url});
  }
}

void subscribe(Conn& w, const Bot& bot, const BotHandlers& h) {
  store_handlers(w, bot.id, h);
  if (!bot.webhook_bot()) bind_app_handlers(w, bot.app_id, h);
}

void apply_profile(User& u, const BotProfile& p) {
  if (p.name) u.name = *p.name;
  if (p.last_name) u.last_name = *p.last_name;
  if (p.email) u.email = *p.email;
  if (p.birthday) u.personal_birthday = *p.birthday;
  if (p.work_position) u.work_position = p.work_position->empty() ? kDefaultBotPosition : *p.work_position;
  if (p.www) u.personal_www = *p.www;
  if (p.gender) u.personal_gender = *p.gender;
  if (p.photo_url) u.personal_photo = *p.photo_url;
  u.timestamp_x = now_unix_seconds();
}

void remove_private_chats(Conn& w, int64_t bot_id) {
  Rows chats =
      w.query("SELECT c.id FROM chat_members m JOIN chats c ON c.id = m.chat_id WHERE m.user_id = $1 AND c.type = 'P'",
              {bot_id});
  for (const Row& r : chats) {
    const int64_t chat_id = r.i64(0);
    w.exec("DELETE FROM message_commands WHERE chat_id = $1", {chat_id});
    w.exec("DELETE FROM messages WHERE chat_id = $1", {chat_id});
    w.exec("DELETE FROM chat_members WHERE chat_id = $1", {chat_id});
    w.exec("DELETE FROM chats WHERE id = $1", {chat_id});
  }
}

void remove_user(Conn& w, int64_t user_id) {
  w.exec("DELETE FROM chat_members WHERE user_id = $1", {user_id});
  w.exec("DELETE FROM user_departments WHERE user_id = $1", {user_id});
  w.exec("DELETE FROM user_presence WHERE user_id = $1", {user_id});
  w.exec("DELETE FROM users WHERE id = $1", {user_id});
}

}  // namespace

RegisterResult register_bot(Tx& tx, const BotRegistration& r, int max_bots) {
  Conn& w = tx.conn;
  // Re-registering a code answers with the bot that has it (Bot::register), even when another
  // application owns it; only its owner's handlers are re-bound.
  if (auto existing = find_bot_by_code(w, r.code)) {
    if (existing->owner == r.owner) subscribe(w, *existing, r.handlers);
    return {RegisterStatus::kExisting, existing->id};
  }
  if (max_bots > 0) {
    auto count = w.query_one("SELECT COUNT(*) FROM bots WHERE owner = $1", {r.owner});
    if (count && count->i64(0) >= max_bots) return {RegisterStatus::kLimitReached, 0};
  }
  User u;
  u.login = bot_login(r.code);
  u.external_auth_id = "bot";
  u.user_type = "bot";
  u.work_position = kDefaultBotPosition;
  apply_profile(u, r.profile);
  const int64_t id = insert_user(w, u);
  Bot bot;
  bot.id = id;
  bot.code = r.code;
  bot.type = r.type;
  bot.openline = r.openline;
  bot.app_id = r.app_id;
  bot.owner = r.owner;
  bot.color = r.profile.color.value_or("");
  bot.created_at = now_unix_seconds();
  w.exec(
      "INSERT INTO bots (id, code, type, openline, app_id, owner, color, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
      {bot.id, bot.code, bot.type, int64_t{bot.openline}, bot.app_id, bot.owner, bot.color, bot.created_at});
  subscribe(w, bot, r.handlers);
  tx.raise(BotRegistered{BotPart::kBot, id, id});
  return {RegisterStatus::kCreated, id};
}

bool update_bot(Conn& w, const Bot& bot, const BotUpdate& u) {
  if (u.code && *u.code != bot.code) {
    if (find_bot_by_code(w, *u.code)) return false;
    w.exec("UPDATE bots SET code = $2 WHERE id = $1", {bot.id, *u.code});
  }
  if (u.type) w.exec("UPDATE bots SET type = $2 WHERE id = $1", {bot.id, *u.type});
  if (u.openline) w.exec("UPDATE bots SET openline = $2 WHERE id = $1", {bot.id, int64_t{*u.openline}});
  if (u.profile.color) w.exec("UPDATE bots SET color = $2 WHERE id = $1", {bot.id, *u.profile.color});
  const BotProfile& p = u.profile;
  if (p.name || p.last_name || p.email || p.birthday || p.work_position || p.www || p.gender || p.photo_url) {
    if (auto user = find_user(w, bot.id)) {
      apply_profile(*user, p);
      update_user(w, *user);
    }
  }
  subscribe(w, bot, u.handlers);
  return true;
}

bool unregister_bot(Tx& tx, const Bot& bot, const Cause& cause) {
  Conn& w = tx.conn;
  if (!find_bot(w, bot.id)) return false;
  // The handler hears of it while its subscription still exists.
  BotEvent e;
  e.event = "ONIMBOTDELETE";
  e.slot = "";
  e.data = Value::object({{"BOT_ID", Value(bot.id)}, {"BOT_CODE", Value(bot.code)}});
  BotTarget t;
  t.bot = bot;
  t.key = std::to_string(bot.id);
  t.handler = bot.handler_bot_delete;
  e.targets.push_back(std::move(t));
  // After ONAPPUNINSTALL, which an application's handler hears in the lane "app:<id>".
  e.order_key = bot.webhook_bot() ? "bot:" + std::to_string(bot.id) : "app:" + std::to_string(bot.app_id);
  send_bot_event(w, e, cause);

  remove_bot_surface(w, bot.id);  // its commands and chat apps
  remove_private_chats(w, bot.id);
  remove_user(w, bot.id);
  w.exec("DELETE FROM bots WHERE id = $1", {bot.id});
  // An application keeps its subscriptions while it has bots (they share them).
  if (!bot.webhook_bot() && bots_of_owner(w, bot.owner).empty()) unbind_app_handlers(w, bot.app_id);
  tx.raise(BotRemoved{BotPart::kBot, bot.id, bot.id});
  return true;
}

void unregister_app_bots(Tx& tx, int64_t app_id, const Cause& cause) {
  Conn& w = tx.conn;
  for (const Bot& bot : bots_of_owner(w, bot_owner_for_app(app_id))) unregister_bot(tx, bot, cause);
}

}  // namespace imhub
