#include "bots/bot_command_events.hpp"

#include <algorithm>

#include "bots/bot_hooks.hpp"
#include "bots/mentions.hpp"
#include "core/strings.hpp"
#include "users/user.hpp"

namespace imhub {
namespace {

constexpr const char* kCommandAdd = "ONIMCOMMANDADD";
BotTarget command_target(const Bot& bot, const Command& cmd, const std::string& params, const std::string& context,
                         int64_t message_id) {
  BotTarget t;
  t.bot = bot;
  t.key = std::to_string(cmd.id);
  t.entry = Value::object({{"BOT_ID", Value(bot.id)},
                           {"BOT_CODE", Value(bot.code)},
                           {"COMMAND", Value(cmd.command)},
                           {"COMMAND_ID", Value(cmd.id)},
                           {"COMMAND_PARAMS", Value(params)},
                           {"COMMAND_CONTEXT", Value(context)},
                           {"MESSAGE_ID", Value(message_id)}});
  t.handler = cmd.handler;
  return t;
}

bool is_member(const std::vector<Bot>& members, int64_t bot_id) {
  return std::any_of(members.begin(), members.end(), [&](const Bot& b) { return b.id == bot_id; });
}

void send_commands(Conn& w, const Cause& cause, BotEvent& e) {
  if (e.targets.empty()) return;
  send_bot_event(w, e, cause);
}

}  // namespace

bool command_reaches(const Command& cmd, const Bot& bot, const Chat& chat, int64_t peer,
                     const std::vector<Bot>& members, bool extranet_author) {
  if (chat.entity_type == "LINES" && !bot.openline) return false;
  if (!cmd.extranet_support && extranet_author) return false;
  if (cmd.common) return true;
  return is_private(chat) ? cmd.bot_id == peer : is_member(members, cmd.bot_id);
}

std::optional<Command> command_of_bot(Conn& c, int64_t bot_id, const std::string& command) {
  if (auto exact = find_bot_command(c, bot_id, command)) return exact;
  // Buttons are matched ignoring case (im.message.command), so the command is found that way too.
  for (const Row& r : c.query("SELECT command FROM bot_commands WHERE bot_id = $1 ORDER BY id", {bot_id}))
    if (iequals(r.str(0), command)) return find_bot_command(c, bot_id, r.str(0));
  return std::nullopt;
}

bool has_command_line(std::string_view text) {
  return !text.empty() && (text.front() == '/' || text.find("\n/") != std::string_view::npos);
}

void send_typed_commands(Conn& w, const Cause& cause, const Chat& chat, const MessageFacts& m, int64_t peer,
                         const std::vector<Bot>& members) {
  BotEvent e;
  e.event = kCommandAdd;
  e.slot = "COMMAND";
  e.order_key = "chat:" + std::to_string(chat.id);
  std::optional<bool> extranet_author;
  std::vector<std::string> executed;  // command id + params: each pair runs once
  for (const CommandLine& line : command_lines(m.text)) {
    if (line.command.empty()) continue;
    for (const Command& cmd : commands_named(w, line.command)) {
      auto bot = find_bot(w, cmd.bot_id);
      if (!bot) continue;
      if (!extranet_author) {
        auto author = find_user(w, m.author_id);
        extranet_author = author && author->user_type == "extranet";
      }
      if (!command_reaches(cmd, *bot, chat, peer, members, *extranet_author)) continue;
      const std::string once = std::to_string(cmd.id) + "\n" + line.params;
      if (std::find(executed.begin(), executed.end(), once) != executed.end()) continue;
      if (executed.size() >= kMaxCommandsPerMessage) break;
      executed.push_back(once);
      BotTarget t = command_target(*bot, cmd, line.params, "TEXTAREA", m.id);
      // data[COMMAND] is keyed by command id: a later line of the same command replaces it.
      auto same = std::find_if(e.targets.begin(), e.targets.end(), [&](const BotTarget& x) { return x.key == t.key; });
      if (same != e.targets.end())
        *same = std::move(t);
      else
        e.targets.push_back(std::move(t));
    }
  }
  if (e.targets.empty()) return;
  std::vector<int64_t> in_chat;
  for (const Bot& b : members) in_chat.push_back(b.id);
  e.params = command_params(w, chat, m, peer, in_chat);
  e.user = user_block(w, m.author_id, false);
  send_commands(w, cause, e);
}

void bots_on_command_pressed(Conn& w, const Cause& cause, const Message& m, int64_t bot_id, const std::string& command,
                             const std::string& params, const std::string& context) {
  auto bot = find_bot(w, bot_id);
  if (!bot) return;
  auto cmd = command_of_bot(w, bot_id, command);
  if (!cmd) return;  // only registered commands reach a bot (spec "Command Processing")
  auto chat = find_chat(w, m.chat_id);
  if (!chat) return;
  const int64_t user = cause.user_id;
  MessageFacts facts;
  facts.id = m.id;
  facts.author_id = user;
  facts.text = "/" + cmd->command + (params.empty() ? "" : " " + params);
  const int64_t peer = is_private(*chat) ? private_peer(w, *chat, user) : 0;
  std::vector<int64_t> in_chat;
  for (const Bot& b : member_bots(w, chat->id)) in_chat.push_back(b.id);
  BotEvent e;
  e.event = kCommandAdd;
  e.slot = "COMMAND";
  e.order_key = "chat:" + std::to_string(chat->id);
  e.targets.push_back(command_target(*bot, *cmd, params, context, m.id));
  e.params = command_params(w, *chat, facts, peer, in_chat);
  e.user = user_block(w, user, false);
  send_commands(w, cause, e);
}

}  // namespace imhub
