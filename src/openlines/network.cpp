#include "openlines/network.hpp"

#include <algorithm>
#include <cctype>

#include "bots/bot.hpp"
#include "bots/bot_registry.hpp"

namespace imhub {

bool valid_network_code(const std::string& code) {
  return code.size() == 32 &&
         std::all_of(code.begin(), code.end(), [](unsigned char ch) { return std::isalnum(ch) != 0; });
}

std::optional<OpenLine> line_of_network_code(Conn& c, const std::string& code) {
  if (!valid_network_code(code)) return std::nullopt;
  auto r = c.query_one("SELECT id FROM openlines WHERE network_code = $1", {code});
  return r ? find_line(c, r->i64(0)) : std::nullopt;
}

std::optional<std::string> network_code_of(Conn& c, int64_t line_id) {
  auto r = c.query_one("SELECT network_code FROM openlines WHERE id = $1", {line_id});
  if (!r || r->is_null(0)) return std::nullopt;
  return r->str(0);
}

bool set_network_code(Conn& c, int64_t line_id, const std::string& code) {
  auto other = c.query_one("SELECT id FROM openlines WHERE network_code = $1 AND id <> $2", {code, line_id});
  if (other) return false;
  c.exec("UPDATE openlines SET network_code = $2 WHERE id = $1", {line_id, code});
  return true;
}

int64_t ensure_network_bot(Tx& tx, const OpenLine& line) {
  Conn& c = tx.conn;
  auto r = c.query_one("SELECT network_bot_id FROM openlines WHERE id = $1", {line.id});
  if (r && r->i64(0) > 0 && find_bot(c, r->i64(0))) return r->i64(0);
  BotRegistration reg;
  reg.code = "network_" + std::to_string(line.id);
  reg.type = "N";
  reg.owner = "network:" + std::to_string(line.id);
  reg.profile.name = line.name();
  reg.profile.work_position = std::string("Open Channel");
  const RegisterResult made = register_bot(tx, reg, 0);
  c.exec("UPDATE openlines SET network_bot_id = $2 WHERE id = $1", {line.id, made.bot_id});
  return made.bot_id;
}

bool network_message_allowed(Conn& c, int64_t line_id, int64_t user_id, int64_t now) {
  auto r = c.query_one("SELECT sent_at FROM openline_network_messages WHERE line_id = $1 AND user_id = $2",
                       {line_id, user_id});
  return !r || r->i64(0) + kNetworkMessageInterval <= now;
}

void note_network_message(Conn& c, int64_t line_id, int64_t user_id, int64_t now) {
  c.exec(
      "INSERT INTO openline_network_messages (line_id, user_id, sent_at) VALUES ($1, $2, $3) "
      "ON CONFLICT (line_id, user_id) DO UPDATE SET sent_at = excluded.sent_at",
      {line_id, user_id, now});
}

}  // namespace imhub
