#include "openlines/session.hpp"

#include "core/clock.hpp"
#include "core/strings.hpp"
#include "core/value.hpp"

namespace imhub {
namespace {

constexpr const char* kColumns =
    "id, line_id, chat_id, user_id, user_code, connector, mode, status, closed, operator_id, answered, parent_id, "
    "pinned, vote, vote_head, comment_head, tried, first_message_id, created_at, modified_at, operator_at, "
    "answered_at, closed_at, queue_at, no_answer_at, close_at, worktime_sent, wait_vote, vote_until";

std::string tried_text(const std::vector<int64_t>& ids) {
  std::string out;
  for (int64_t id : ids) out += (out.empty() ? "" : ",") + std::to_string(id);
  return out;
}

Session read_session(const Row& r) {
  Session s;
  s.id = r.i64(0);
  s.line_id = r.i64(1);
  s.chat_id = r.i64(2);
  s.user_id = r.i64(3);
  s.user_code = r.str(4);
  s.connector = r.str(5);
  s.mode = r.str(6);
  s.status = static_cast<int>(r.i64(7));
  s.closed = r.i64(8) != 0;
  s.operator_id = r.i64(9);
  s.answered = r.i64(10) != 0;
  s.parent_id = r.i64(11);
  s.pinned = r.i64(12) != 0;
  s.vote = static_cast<int>(r.i64(13));
  s.vote_head = static_cast<int>(r.i64(14));
  if (!r.is_null(15)) s.comment_head = r.str(15);
  for (const std::string& part : split(r.str(16), ','))
    if (!part.empty()) s.tried.push_back(std::stoll(part));
  s.first_message_id = r.i64(17);
  s.created_at = r.i64(18);
  s.modified_at = r.i64(19);
  s.operator_at = r.i64(20);
  s.answered_at = r.i64(21);
  s.closed_at = r.i64(22);
  s.queue_at = r.i64(23);
  s.no_answer_at = r.i64(24);
  s.close_at = r.i64(25);
  s.worktime_sent = r.i64(26) != 0;
  s.wait_vote = r.i64(27) != 0;
  s.vote_until = r.i64(28);
  return s;
}

std::optional<Session> one(Conn& c, const std::string& where, const SqlArgs& args) {
  auto r = c.query_one(std::string("SELECT ") + kColumns + " FROM openline_sessions WHERE " + where, args);
  if (!r) return std::nullopt;
  return read_session(*r);
}

std::vector<Session> many(Conn& c, const std::string& where, const SqlArgs& args) {
  std::vector<Session> out;
  for (const Row& r : c.query(std::string("SELECT ") + kColumns + " FROM openline_sessions WHERE " + where, args))
    out.push_back(read_session(r));
  return out;
}

}  // namespace

std::string UserCode::str() const { return connector + "|" + std::to_string(line_id) + "|" + chat + "|" + user; }

std::optional<UserCode> UserCode::parse(std::string code) {
  code = std::string(trim(code));
  if (starts_with_ci(code, "imol|")) code.erase(0, 5);
  const std::vector<std::string> parts = split(code, '|');
  if (parts.size() != 4 || parts[0].empty()) return std::nullopt;
  UserCode u;
  u.connector = parts[0];
  auto line = Value(parts[1]).to_int();
  if (!line || *line <= 0) return std::nullopt;
  u.line_id = *line;
  u.chat = parts[2];
  u.user = parts[3];
  return u;
}

std::optional<Session> find_session(Conn& c, int64_t id) { return one(c, "id = $1", {id}); }

std::optional<Session> open_session(Conn& c, int64_t chat_id) {
  return one(c, "chat_id = $1 AND closed = 0 ORDER BY id DESC LIMIT 1", {chat_id});
}

std::optional<Session> last_session(Conn& c, int64_t chat_id) {
  return one(c, "chat_id = $1 ORDER BY id DESC LIMIT 1", {chat_id});
}

std::optional<Session> next_session(Conn& c, const Session& s) {
  return one(c, "chat_id = $1 AND id > $2 ORDER BY id LIMIT 1", {s.chat_id, s.id});
}

int64_t insert_session(Conn& c, Session& s) {
  s.created_at = s.modified_at = now_unix_seconds();
  auto row = c.query_one(
      "INSERT INTO openline_sessions (line_id, chat_id, user_id, user_code, connector, mode, status, created_at, "
      "modified_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id",
      {s.line_id, s.chat_id, s.user_id, s.user_code, s.connector, s.mode, int64_t{s.status}, s.created_at,
       s.modified_at});
  s.id = row->i64(0);
  return s.id;
}

void save_session(Conn& c, Session& s) {
  s.modified_at = now_unix_seconds();
  c.exec(
      "UPDATE openline_sessions SET line_id = $2, status = $3, closed = $4, operator_id = $5, answered = $6, "
      "pinned = $7, vote = $8, vote_head = $9, comment_head = $10, tried = $11, first_message_id = $12, "
      "modified_at = $13, operator_at = $14, answered_at = $15, closed_at = $16, queue_at = $17, no_answer_at = $18, "
      "mode = $19, parent_id = $20, close_at = $21, worktime_sent = $22, wait_vote = $23, vote_until = $24 WHERE id = "
      "$1",
      {s.id,
       s.line_id,
       int64_t{s.status},
       int64_t{s.closed ? 1 : 0},
       s.operator_id,
       int64_t{s.answered ? 1 : 0},
       int64_t{s.pinned ? 1 : 0},
       int64_t{s.vote},
       int64_t{s.vote_head},
       s.comment_head ? SqlValue(*s.comment_head) : SqlValue(nullptr),
       tried_text(s.tried),
       s.first_message_id,
       s.modified_at,
       s.operator_at,
       s.answered_at,
       s.closed_at,
       s.queue_at,
       s.no_answer_at,
       s.mode,
       s.parent_id,
       s.close_at,
       int64_t{s.worktime_sent ? 1 : 0},
       int64_t{s.wait_vote ? 1 : 0},
       s.vote_until});
}

std::vector<Session> open_sessions_of(Conn& c, int64_t user_id) {
  return many(c, "operator_id = $1 AND closed = 0 ORDER BY id", {user_id});
}

std::vector<Session> open_sessions_of_line(Conn& c, int64_t line_id) {
  return many(c, "line_id = $1 AND closed = 0 ORDER BY id", {line_id});
}

std::vector<Session> open_sessions_with_member(Conn& c, int64_t user_id) {
  return many(c, "closed = 0 AND chat_id IN (SELECT chat_id FROM chat_members WHERE user_id = $1) ORDER BY id",
              {user_id});
}

std::vector<Session> all_open_sessions(Conn& c, int limit) {
  return many(c, "closed = 0 ORDER BY id LIMIT $1", {int64_t{limit}});
}

std::vector<int64_t> session_ids_of_chat(Conn& c, int64_t chat_id, int limit) {
  std::vector<int64_t> ids;
  for (const Row& r : c.query("SELECT id FROM openline_sessions WHERE chat_id = $1 ORDER BY id DESC LIMIT $2",
                              {chat_id, int64_t{limit}}))
    ids.push_back(r.i64(0));
  return ids;
}

std::vector<int64_t> due_sessions(Conn& c, int64_t now, int limit) {
  std::vector<int64_t> out;
  for (const Row& r : c.query("SELECT id FROM openline_sessions WHERE closed = 0 AND queue_at > 0 AND queue_at <= $1 "
                              "UNION SELECT id FROM openline_sessions WHERE closed = 0 AND no_answer_at > 0 AND "
                              "no_answer_at <= $1 UNION SELECT id FROM openline_sessions WHERE closed = 0 AND "
                              "close_at > 0 AND close_at <= $1 ORDER BY id LIMIT $2",
                              {now, int64_t{limit}}))
    out.push_back(r.i64(0));
  return out;
}

std::string lines_entity_data_1(const Session& s) {
  return "N|NONE|0|N|N|" + std::to_string(s.id) + "|" + std::to_string(s.created_at) + "|" + std::to_string(s.line_id) +
         "|0|0";
}

void mark_chat_session(Conn& c, const Session& s) {
  c.exec("UPDATE chats SET entity_data_1 = $2 WHERE id = $1", {s.chat_id, lines_entity_data_1(s)});
}

}  // namespace imhub
