#include "bots/command.hpp"

#include "apps/event_binding.hpp"
#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "store/row_mapping.hpp"

namespace imhub {
namespace {

const RowMapping<Command> kCommandRow{
    {"id", &Command::id},
    {"bot_id", &Command::bot_id},
    {"command", &Command::command},
    {"common", &Command::common},
    {"hidden", &Command::hidden},
    {"extranet_support", &Command::extranet_support},
    {"handler", &Command::handler},
    {"lang",
     [](Command& cmd, const Row& r, size_t i) {
       auto lang = parse_json(r.str(i));
       cmd.lang = lang && lang->is_array() ? std::move(*lang) : Value::list();
     }},
    {"owner", &Command::owner},
    {"created_at", &Command::created_at},
};

Command read_command(const Row& r) { return kCommandRow.read(r); }

std::optional<Command> first(const Rows& rows) {
  if (rows.empty()) return std::nullopt;
  return read_command(rows.front());
}

}  // namespace

std::string command_name(std::string_view text) {
  std::string_view t = trim(text);
  if (!t.empty() && t.front() == '/') t.remove_prefix(1);
  return std::string(trim(t));
}

Value normalize_command_lang(const Value& lang) {
  Value tree = lang;
  if (tree.is_scalar()) {
    auto parsed = parse_json(tree.to_string());
    tree = parsed ? std::move(*parsed) : Value();
  }
  Value out = Value::list();
  for (const Value* entry : tree.elements()) {
    if (!entry->is_map()) continue;
    const Value* language_id = entry->find_ci("LANGUAGE_ID");
    const std::string language =
        language_id && language_id->is_scalar() ? to_lower(trim(language_id->to_string())) : "";
    const Value* title = entry->find_ci("TITLE");
    if (language.empty() || !title || !title->is_scalar() || title->to_string().empty()) continue;
    const Value* params = entry->find_ci("PARAMS");
    out.push_back(Value::object({{"LANGUAGE_ID", Value(language)},
                                 {"TITLE", Value(title->to_string())},
                                 {"PARAMS", Value(params && params->is_scalar() ? params->to_string() : "")}}));
  }
  return out;
}

std::optional<Command> find_command(Conn& c, int64_t id) {
  return first(c.query(kCommandRow.select("bot_commands") + "WHERE id = $1", {id}));
}

std::optional<Command> find_bot_command(Conn& c, int64_t bot_id, const std::string& command) {
  return first(c.query(kCommandRow.select("bot_commands") + "WHERE bot_id = $1 AND command = $2", {bot_id, command}));
}

std::optional<Command> find_owner_command(Conn& c, const std::string& owner, const std::string& command) {
  return first(c.query(kCommandRow.select("bot_commands") + "WHERE owner = $1 AND command = $2 ORDER BY id LIMIT 1",
                       {owner, command}));
}

std::vector<Command> commands_named(Conn& c, const std::string& command) {
  std::vector<Command> out;
  for (const Row& r : c.query(kCommandRow.select("bot_commands") + "WHERE command = $1 ORDER BY id", {command}))
    out.push_back(read_command(r));
  return out;
}

std::vector<Command> commands_of_bot(Conn& c, int64_t bot_id) {
  std::vector<Command> out;
  for (const Row& r : c.query(kCommandRow.select("bot_commands") + "WHERE bot_id = $1 ORDER BY id", {bot_id}))
    out.push_back(read_command(r));
  return out;
}

std::vector<Command> common_commands(Conn& c) {
  std::vector<Command> out;
  for (const Row& r : c.query(kCommandRow.select("bot_commands") + "WHERE common = 1 ORDER BY id", {}))
    out.push_back(read_command(r));
  return out;
}

std::vector<Command> commands_of_owner(Conn& c, const std::string& owner) {
  std::vector<Command> out;
  for (const Row& r : c.query(kCommandRow.select("bot_commands") + "WHERE owner = $1 ORDER BY id", {owner}))
    out.push_back(read_command(r));
  return out;
}

int64_t insert_command(Tx& tx, Command& cmd) {
  Conn& w = tx.conn;
  cmd.created_at = now_unix_seconds();
  auto row = w.query_one(
      "INSERT INTO bot_commands (bot_id, command, common, hidden, extranet_support, handler, lang, owner, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
      {cmd.bot_id, cmd.command, int64_t{cmd.common}, int64_t{cmd.hidden}, int64_t{cmd.extranet_support}, cmd.handler,
       to_json(cmd.lang), cmd.owner, cmd.created_at});
  cmd.id = row->i64(0);
  tx.raise(BotRegistered{BotPart::kCommand, cmd.bot_id, cmd.id});
  return cmd.id;
}

void save_command(Conn& w, const Command& cmd) {
  w.exec(
      "UPDATE bot_commands SET command = $2, common = $3, hidden = $4, extranet_support = $5, lang = $6 WHERE id = $1",
      {cmd.id, cmd.command, int64_t{cmd.common}, int64_t{cmd.hidden}, int64_t{cmd.extranet_support},
       to_json(cmd.lang)});
}

void delete_command(Tx& tx, const Command& cmd) {
  tx.conn.exec("DELETE FROM bot_commands WHERE id = $1", {cmd.id});
  tx.raise(BotRemoved{BotPart::kCommand, cmd.bot_id, cmd.id});
}

void set_command_handler(Conn& w, const std::string& owner, int64_t app_id, const std::string& handler) {
  w.exec("UPDATE bot_commands SET handler = $2 WHERE owner = $1", {owner, handler});
  if (app_id <= 0) return;
  // One subscription per application (im_rest.php unbindEvent + bindEvent).
  w.exec("DELETE FROM event_bindings WHERE app_id = $1 AND event = 'ONIMCOMMANDADD' AND offline = 0 AND user_id = 0",
         {app_id});
  EventBinding b;
  b.app_id = app_id;
  b.event = "ONIMCOMMANDADD";
  b.handler = handler;
  add_binding(w, b);
}

bool text_calls_command(std::string_view text, const std::string& command) {
  if (command.empty()) return false;
  size_t pos = 0;
  while (pos <= text.size()) {
    size_t end = text.find('\n', pos);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(pos, end - pos);
    if (!line.empty() && line.front() == '/') {
      std::string_view word =
          line.substr(1, line.find(' ') == std::string_view::npos ? std::string_view::npos : line.find(' ') - 1);
      if (!word.empty() && word.back() == '\r') word.remove_suffix(1);
      if (word == command) return true;
    }
    pos = end + 1;
  }
  return false;
}

}  // namespace imhub
