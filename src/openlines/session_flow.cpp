#include "openlines/session_flow.hpp"

#include <algorithm>

#include "bots/bot.hpp"
#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "im/chat_change.hpp"
#include "im/message_post.hpp"
#include "openlines/connector.hpp"
#include "openlines/connector_relay.hpp"
#include "openlines/queue.hpp"
#include "openlines/work_time.hpp"
#include "users/user.hpp"

namespace imhub {
namespace {

namespace st = session_status;

constexpr const char* kNoticeClass = "bx-messenger-content-item-system";

std::string class_params(const char* cls) { return to_json(Value::object({{"CLASS", Value(cls)}})); }

std::string name_of(Conn& c, int64_t user_id) {
  auto u = find_user(c, user_id);
  return u ? u->full_name() : std::string();
}

std::string mention(Conn& c, int64_t user_id) { return user_mention(user_id, name_of(c, user_id)); }

bool is_connector_user(Conn& c, int64_t user_id) {
  auto u = find_user(c, user_id);
  return u && u->external_auth_id == "imconnector";
}

// A person who may be an operator: active, not a bot, connector user or extranet user.
bool is_operator_person(Conn& c, int64_t user_id) {
  auto u = find_user(c, user_id);
  return u && u->active && u->external_auth_id.empty() && u->user_type == "employee";
}

int64_t post_notice(Tx& tx, int64_t chat_id, const std::string& text) {
  return post_message(tx, NewMessage{chat_id, 0, text, class_params(kNoticeClass), true, ""});
}

// Members join without the im permission rules (the line, not a member, invites them), having
// read what was said before, with a notice; bots among them hear ONIMBOTJOINCHAT with `actor`.
void join_chat(Tx& tx, int64_t chat_id, int64_t actor, const std::vector<int64_t>& users) {
  Conn& c = tx.conn;
  auto chat = find_chat(c, chat_id);
  if (!chat) return;
  std::vector<int64_t> added;
  for (int64_t u : users)
    if (u > 0 && !find_member(c, chat_id, u) && std::find(added.begin(), added.end(), u) == added.end())
      added.push_back(u);
  if (added.empty()) return;
  std::string names;
  for (int64_t u : added) {
    add_member(c, chat_id, u, 0);
    c.exec("UPDATE chat_members SET last_read_seq = $3, last_read_id = $4 WHERE chat_id = $1 AND user_id = $2",
           {chat_id, u, chat->last_seq, chat->last_message_id});
    names += (names.empty() ? "" : ", ") + mention(c, u);
  }
  post_notice(tx, chat_id, names + (added.size() == 1 ? " joined the conversation" : " joined the conversation"));
  tx.raise(MembersAdded{chat_id, actor, added, false});
}

void leave_chat(Tx& tx, int64_t chat_id, int64_t actor, int64_t user) {
  Conn& c = tx.conn;
  if (!find_member(c, chat_id, user)) return;
  const int64_t said = post_notice(tx, chat_id, mention(c, user) + " left the conversation");
  c.exec("DELETE FROM chat_members WHERE chat_id = $1 AND user_id = $2", {chat_id, user});
  tx.raise(MemberRemoved{chat_id, actor, user, said});
}

bool bot_in_charge(Conn& c, const Session& s) { return s.operator_id > 0 && find_bot(c, s.operator_id).has_value(); }

// The welcome bot that stays in the chat after the hand-over (WELCOME_BOT_LEFT=close).
bool staying_bot(const OpenLine* line, int64_t bot_id) {
  return line && line->text("WELCOME_BOT_LEFT") == "close" && line->number("WELCOME_BOT_ID") == bot_id;
}

// {connector, session, chat, user}: one element of DATA in the session events (reference
// on-session-start.md, on-im-connector-dialog-start.md).
Value dialog_entry(Conn& c, const Session& s) {
  auto code = UserCode::parse(s.user_code);
  auto line = find_line(c, s.line_id);
  return Value::object(
      {{"connector", Value::object({{"connector_id", Value(s.connector)},
                                    {"line_id", Value(s.line_id)},
                                    {"chat_id", Value(code ? code->chat : std::string())},
                                    {"user_id", Value(code ? code->user : std::string())}})},
       {"session", Value::object({{"id", Value(s.id)},
                                  {"closed", Value(s.closed ? "Y" : "N")},
                                  {"parent_id", Value(s.parent_id)},
                                  {"close_term", Value(line ? line->number("FULL_CLOSE_TIME") : int64_t{0})}})},
       {"chat", Value::object({{"id", Value(s.chat_id)}})},
       {"user", Value::object({{"id", Value(s.user_id)}})}});
}

// OnSessionStart / OnSessionFinish and the connector's ONIMCONNECTORDIALOGSTART / …FINISH, to
// the application whose connector the session came through.
void session_events(Tx& tx, const Session& s, bool finished) {
  Conn& c = tx.conn;
  Value list = Value::list();
  list.push_back(dialog_entry(c, s));
  raise_connector_event(c, tx.cause(), s.connector, finished ? "ONSESSIONFINISH" : "ONSESSIONSTART",
                        Value::object({{"DATA", list}}), s.chat_id);
  raise_connector_event(
      c, tx.cause(), s.connector, finished ? "ONIMCONNECTORDIALOGFINISH" : "ONIMCONNECTORDIALOGSTART",
      Value::object({{"CONNECTOR", Value(s.connector)}, {"LINE", Value(std::to_string(s.line_id))}, {"DATA", list}}),
      s.chat_id);
}

int64_t seconds_from_now(int64_t now, int64_t seconds) { return seconds > 0 ? now + seconds : 0; }

// The session changed hands or status: the operators' clients hear of it after the commit
// (updateSessionStatus; linesAnswer to `answered_by`).
void announce(Tx& tx, const Session& s, int64_t answered_by = 0) {
  tx.raise(LinesSessionChanged{s.chat_id, s.id, s.status, s.closed, s.operator_id, answered_by});
}

// Offers the session to the line's queue: who pick_operators names joins the chat (everyone for
// QUEUE_TYPE all). Operators already offered this round are passed over until everyone was;
// `exclude` (a skipper) is passed over this time even then. Nobody available: the session waits,
// and the queue is tried again after QUEUE_TIME.
void offer(Tx& tx, Session& s, const OpenLine& line, const std::vector<int64_t>& exclude) {
  Conn& c = tx.conn;
  const int64_t now = now_unix_seconds();
  // Never the client (a Network client is a portal user who may be in the queue).
  std::vector<int64_t> never = exclude;
  never.push_back(s.user_id);
  std::vector<int64_t> passed = s.tried;
  passed.insert(passed.end(), never.begin(), never.end());
  std::vector<int64_t> ops = pick_operators(c, line, passed);
  if (ops.empty() && !s.tried.empty()) {
    s.tried.clear();
    ops = pick_operators(c, line, never);
  }
  const int64_t queue_time = line.number("QUEUE_TIME");
  if (line.text("QUEUE_TYPE") == kQueueAll) {
    s.operator_id = 0;
    s.operator_at = now;
    for (int64_t op : ops)
      if (std::find(s.tried.begin(), s.tried.end(), op) == s.tried.end()) s.tried.push_back(op);
    s.queue_at = ops.empty() ? now + std::max<int64_t>(queue_time, 60) : 0;
    save_session(c, s);
    join_chat(tx, s.chat_id, 0, ops);
    return;
  }
  if (ops.empty()) {
    s.operator_id = 0;
    s.queue_at = now + std::max<int64_t>(queue_time, 60);
    save_session(c, s);
    return;
  }
  const int64_t op = ops.front();
  s.operator_id = op;
  s.operator_at = now;
  s.tried.push_back(op);
  s.queue_at = seconds_from_now(now, queue_time);
  note_turn(c, line.id, op);
  save_session(c, s);
  join_chat(tx, s.chat_id, 0, {op});
}

// `user` takes the session: those offered it before and the bot in charge leave (a welcome bot
// with WELCOME_BOT_LEFT=close stays); helpers who joined stay.
void take(Tx& tx, Session& s, int64_t user) {
  Conn& c = tx.conn;
  auto line = find_line(c, s.line_id);
  for (int64_t m : member_ids(c, s.chat_id)) {
    if (m == user || m == s.user_id || is_connector_user(c, m)) continue;
    if (find_bot(c, m)) {
      if (!staying_bot(line ? &*line : nullptr, m)) leave_chat(tx, s.chat_id, m, m);
    } else if (m == s.operator_id || std::find(s.tried.begin(), s.tried.end(), m) != s.tried.end()) {
      leave_chat(tx, s.chat_id, m, m);
    }
  }
  join_chat(tx, s.chat_id, user, {user});
  const int64_t now = now_unix_seconds();
  s.operator_id = user;
  s.operator_at = now;
  s.answered = true;
  if (s.answered_at == 0) s.answered_at = now;
  s.queue_at = 0;
  s.no_answer_at = 0;
}

// The human in charge hands over (transfer, intercept): they leave; a bot leaves only when told to.
void hand_over(Tx& tx, Session& s, int64_t actor, bool leave) {
  Conn& c = tx.conn;
  const bool bot = bot_in_charge(c, s);
  if (s.operator_id > 0 && (!bot || leave)) leave_chat(tx, s.chat_id, s.operator_id, s.operator_id);
  if (actor > 0 && actor != s.operator_id && find_member(c, s.chat_id, actor) && !find_bot(c, actor))
    leave_chat(tx, s.chat_id, actor, actor);
}

bool client_bound(const NewMessage& m) {
  if (m.author_id > 0) return true;
  return m.params_json.find(kClientMessageClass) != std::string::npos;
}

constexpr int64_t kMinute = 60;

// The rating request (VOTE_MESSAGE_2_TEXT, the text for external channels), with the widget's
// texts and the time limit in its params as the platform sends them.
void ask_for_vote(Tx& tx, Session& s, const OpenLine& line, int64_t now) {
  const int64_t limit = line.number("VOTE_TIME_LIMIT");
  s.wait_vote = true;
  s.vote_until = limit > 0 ? now + limit : 0;
  Value params = Value::object({{"CLASS", Value(std::string(kClientMessageClass) + " bx-messenger-content-item-vote")},
                                {"IMOL_VOTE", Value(s.id)},
                                {"IMOL_VOTE_TEXT", Value(line.text("VOTE_MESSAGE_1_TEXT"))},
                                {"IMOL_VOTE_LIKE", Value(line.text("VOTE_MESSAGE_1_LIKE"))},
                                {"IMOL_VOTE_DISLIKE", Value(line.text("VOTE_MESSAGE_1_DISLIKE"))},
                                {"IMOL_DATE_CLOSE_VOTE", Value(s.vote_until > 0 ? atom_time(s.vote_until) : "")},
                                {"IMOL_TIME_LIMIT_VOTE", Value(std::to_string(limit))},
                                {"IMOL_FORM", Value("like")},
                                {"TYPE", Value("lines")},
                                {"COMPONENT_ID", Value("bx-imopenlines-message")}});
  post_message(tx, NewMessage{s.chat_id, 0, line.text("VOTE_MESSAGE_2_TEXT"), to_json(params), true, ""});
}

// "1…" is a like (5), "0…" a dislike (1), as the platform reads a client's answer to the request.
int vote_of(const std::string& text) {
  const std::string_view t = trim(text);
  if (t.empty()) return 0;
  if (t.front() == '1') return 5;
  if (t.front() == '0') return 1;
  return 0;
}

}  // namespace

bool rate_waiting_session(Tx& tx, Session& s, int vote) {
  Conn& c = tx.conn;
  auto line = find_line(c, s.line_id);
  const int64_t now = now_unix_seconds();
  if (!line || !s.wait_vote || (s.vote_until != 0 && now > s.vote_until)) return false;
  s.vote = vote;
  s.wait_vote = false;
  s.close_at = now + line->number("FULL_CLOSE_TIME") * kMinute;
  save_session(c, s);
  const std::string thanks = line->text(vote == 5 ? "VOTE_MESSAGE_2_LIKE" : "VOTE_MESSAGE_2_DISLIKE");
  if (!trim(thanks).empty()) post_automatic(tx, s.chat_id, thanks);
  if (line->flag("VOTE_CLOSING_DELAY")) finish_session(tx, s, 0, st::kClose);
  return true;
}

namespace {

// The client wrote while the session waited after a close: a rating while one is asked for and
// its time is not up; anything else reopens the session with the operator who had it.
void client_after_close(Tx& tx, Session& s, const std::string& text) {
  Conn& c = tx.conn;
  const int vote = vote_of(text);
  if (vote > 0 && rate_waiting_session(tx, s, vote)) return;
  auto line = find_line(c, s.line_id);
  s.status = st::kClientAfterOperator;
  s.wait_vote = false;
  s.vote_until = 0;
  s.close_at = 0;
  save_session(c, s);
  if (s.operator_id > 0)
    join_chat(tx, s.chat_id, s.user_id, {s.operator_id});
  else if (line)
    offer(tx, s, *line, {});
  announce(tx, s);
}

// Outside the line's working hours the client gets the offline text, once per session; the
// no-answer text is then not sent (the platform's WorkTime::sendMessage).
void offline_text(Tx& tx, Session& s) {
  if (s.worktime_sent) return;
  auto line = find_line(tx.conn, s.line_id);
  if (!line || !line->flag("WORKTIME_ENABLE") || line->text("WORKTIME_DAYOFF_RULE") != "text") return;
  const std::string text = line->text("WORKTIME_DAYOFF_TEXT");
  if (trim(text).empty() || line_works_at(work_hours_of(*line), now_unix_seconds())) return;
  s.worktime_sent = true;
  s.no_answer_at = 0;
  save_session(tx.conn, s);
  post_automatic(tx, s.chat_id, text);
}

}  // namespace

bool may_operate(Conn& c, const Chat& chat, int64_t user_id, bool is_admin) {
  if (chat.entity_type != "LINES" || user_id <= 0) return false;
  auto u = find_user(c, user_id);
  if (!u || !u->active || u->external_auth_id == "imconnector" || u->external_auth_id == "bot") return false;
  if (chat.author_id == user_id) {
    // The client, for a chat whose author the client is (the Network's; connectors' are excluded above).
    auto code = UserCode::parse(chat.entity_id);
    if (code && code->user == std::to_string(user_id)) return false;
  }
  if (is_admin || find_member(c, chat.id, user_id)) return true;
  auto line = find_line(c, chat_line_id(c, chat));
  return line && is_queue_operator(c, *line, user_id);
}

int64_t chat_line_id(Conn& c, const Chat& chat) {
  if (auto s = last_session(c, chat.id)) return s->line_id;
  auto code = UserCode::parse(chat.entity_id);
  return code ? code->line_id : 0;
}

Chat ensure_lines_chat(Tx& tx, const OpenLine& line, const UserCode& code, int64_t client_id, bool client_member) {
  Conn& c = tx.conn;
  const std::string entity = code.str();
  if (auto id = find_chat_by_entity(c, "LINES", entity)) {
    if (client_member && !find_member(c, *id, client_id)) join_chat(tx, *id, client_id, {client_id});
    return *find_chat(c, *id);
  }
  Chat chat;
  chat.type = "L";
  chat.title = name_of(c, client_id) + " - " + line.name();
  chat.author_id = client_id;
  chat.entity_type = "LINES";
  chat.entity_id = entity;
  chat.entity_data_1 = "N|NONE|0|N|N|0|" + std::to_string(now_unix_seconds()) + "|" + std::to_string(line.id) + "|0|0";
  chat.entity_data_3 = "N";
  insert_chat(tx, chat, client_member ? std::vector<int64_t>{client_id} : std::vector<int64_t>{});
  return chat;
}

Session ensure_session(Tx& tx, const OpenLine& line, const Chat& chat, int64_t client_id) {
  Conn& c = tx.conn;
  if (auto open = open_session(c, chat.id)) return *open;
  const bool first = !last_session(c, chat.id).has_value();
  auto code = UserCode::parse(chat.entity_id);
  Session s;
  s.line_id = line.id;
  s.chat_id = chat.id;
  s.user_id = client_id;
  s.user_code = chat.entity_id;
  s.connector = code ? code->connector : std::string();
  insert_session(c, s);
  mark_chat_session(c, s);
  s.first_message_id = post_notice(tx, chat.id, "Dialog #" + std::to_string(s.id) + " started");
  save_session(c, s);
  session_events(tx, s, false);
  const int64_t now = now_unix_seconds();
  const int64_t bot_id = line.number("WELCOME_BOT_ID");
  const bool bot = line.active() && line.flag("WELCOME_BOT_ENABLE") && bot_id > 0 && find_bot(c, bot_id) &&
                   (line.text("WELCOME_BOT_JOIN") != "first" || first);
  if (bot) {
    s.operator_id = bot_id;
    s.operator_at = now;
    s.queue_at = seconds_from_now(now, line.number("WELCOME_BOT_TIME"));
    save_session(c, s);
    // The client brings the bot in: ONIMBOTJOINCHAT carries the client as USER_ID (§4).
    join_chat(tx, chat.id, client_id, {bot_id});
    announce(tx, s);
    return s;
  }
  if (line.flag("WELCOME_MESSAGE") && (first || line.flag("SEND_WELCOME_EACH_SESSION")) &&
      !line.text("WELCOME_MESSAGE_TEXT").empty())
    post_automatic(tx, chat.id, line.text("WELCOME_MESSAGE_TEXT"));
  s.no_answer_at = seconds_from_now(now, line.number("NO_ANSWER_TIME"));
  offer(tx, s, line, {});
  announce(tx, s);
  return s;
}

FlowStatus answer_session(Tx& tx, Session& s, int64_t user_id) {
  if (s.closed) return FlowStatus::kClosed;
  take(tx, s, user_id);
  s.status = st::kAnswer;
  save_session(tx.conn, s);
  announce(tx, s, user_id);
  return FlowStatus::kOk;
}

FlowStatus skip_session(Tx& tx, Session& s, int64_t user_id) {
  Conn& c = tx.conn;
  if (s.closed) return FlowStatus::kClosed;
  auto line = find_line(c, s.line_id);
  const bool offered_to_all = line && line->text("QUEUE_TYPE") == kQueueAll && s.operator_id == 0;
  if (s.operator_id != user_id && !(offered_to_all && find_member(c, s.chat_id, user_id)))
    return FlowStatus::kNotOperator;
  leave_chat(tx, s.chat_id, user_id, user_id);
  s.status = st::kSkip;
  s.answered = false;
  if (offered_to_all) {
    // The others offered it still may answer; only when nobody is left does it go round again.
    bool others = false;
    for (int64_t m : member_ids(c, s.chat_id))
      if (m != s.user_id && !is_connector_user(c, m) && !find_bot(c, m)) others = true;
    save_session(c, s);
    if (others) {
      announce(tx, s);
      return FlowStatus::kOk;
    }
  }
  if (line) offer(tx, s, *line, {user_id});
  save_session(c, s);
  announce(tx, s);
  return FlowStatus::kOk;
}

FlowStatus finish_session(Tx& tx, Session& s, int64_t actor, int status, bool automatic) {
  Conn& c = tx.conn;
  if (s.closed) return FlowStatus::kClosed;
  auto line = find_line(c, s.line_id);
  const char* rule = automatic ? "AUTO_CLOSE_RULE" : "CLOSE_RULE";
  const char* text = automatic ? "AUTO_CLOSE_TEXT" : "CLOSE_TEXT";
  if (line && status == st::kClose && s.status != st::kWaitClient && line->text(rule) == "text" &&
      !line->text(text).empty())
    post_automatic(tx, s.chat_id, line->text(text));
  const int64_t now = now_unix_seconds();
  s.status = status;
  s.closed = true;
  s.wait_vote = false;
  s.closed_at = now;
  s.queue_at = 0;
  s.no_answer_at = 0;
  s.close_at = 0;
  save_session(c, s);
  post_notice(tx, s.chat_id, "Dialog #" + std::to_string(s.id) + " closed");
  for (int64_t m : member_ids(c, s.chat_id))
    if (m != s.user_id && !is_connector_user(c, m)) leave_chat(tx, s.chat_id, actor, m);
  session_events(tx, s, true);
  announce(tx, s);
  return FlowStatus::kOk;
}

FlowStatus close_session(Tx& tx, Session& s, int64_t actor, bool automatic) {
  Conn& c = tx.conn;
  if (s.closed) return FlowStatus::kClosed;
  auto line = find_line(c, s.line_id);
  if (s.status == st::kWaitClient || !line || !line->active())
    return finish_session(tx, s, actor, st::kClose, automatic);
  const int64_t now = now_unix_seconds();
  bool told = false;
  const char* rule = automatic ? "AUTO_CLOSE_RULE" : "CLOSE_RULE";
  const std::string text = line->text(automatic ? "AUTO_CLOSE_TEXT" : "CLOSE_TEXT");
  if (line->text(rule) == "text" && !trim(text).empty()) {
    post_automatic(tx, s.chat_id, text);
    told = true;
  }
  if (line->flag("VOTE_MESSAGE") && s.vote == 0 && !trim(line->text("VOTE_MESSAGE_2_TEXT")).empty()) {
    ask_for_vote(tx, s, *line, now);
    told = true;
  }
  if (!told) return finish_session(tx, s, actor, st::kClose, automatic);
  s.status = st::kWaitClient;
  s.queue_at = 0;
  s.no_answer_at = 0;
  s.close_at = now + (automatic ? line->number("AUTO_EXPIRE_TIME") : line->number("FULL_CLOSE_TIME") * kMinute);
  save_session(c, s);
  announce(tx, s);
  return FlowStatus::kOk;
}

FlowStatus transfer_to_user(Tx& tx, Session& s, int64_t actor, int64_t user_id, bool leave) {
  Conn& c = tx.conn;
  if (s.closed) return FlowStatus::kClosed;
  if (user_id == s.operator_id || !is_operator_person(c, user_id)) return FlowStatus::kWrongTarget;
  hand_over(tx, s, actor, leave);
  s.operator_id = user_id;
  s.operator_at = now_unix_seconds();
  s.answered = false;
  s.status = st::kNew;
  s.queue_at = 0;
  s.tried.push_back(user_id);
  save_session(c, s);
  join_chat(tx, s.chat_id, actor, {user_id});
  announce(tx, s);
  return FlowStatus::kOk;
}

FlowStatus transfer_to_line(Tx& tx, Session& s, int64_t actor, int64_t line_id, bool leave) {
  Conn& c = tx.conn;
  if (s.closed) return FlowStatus::kClosed;
  auto line = find_line(c, line_id);
  if (!line || !line->active()) return FlowStatus::kWrongTarget;
  hand_over(tx, s, actor, leave);
  s.line_id = line_id;
  s.operator_id = 0;
  s.answered = false;
  s.status = st::kNew;
  s.tried.clear();
  s.no_answer_at = seconds_from_now(now_unix_seconds(), line->number("NO_ANSWER_TIME"));
  mark_chat_session(c, s);
  offer(tx, s, *line, {actor});
  announce(tx, s);
  return FlowStatus::kOk;
}

FlowStatus intercept_session(Tx& tx, Session& s, int64_t user_id) {
  Conn& c = tx.conn;
  if (s.closed || s.operator_id == user_id) return FlowStatus::kWrongTarget;
  if (s.operator_id > 0 && !bot_in_charge(c, s)) leave_chat(tx, s.chat_id, s.operator_id, s.operator_id);
  take(tx, s, user_id);
  s.status = st::kAnswer;
  save_session(c, s);
  announce(tx, s, user_id);
  return FlowStatus::kOk;
}

FlowStatus join_session(Tx& tx, Session& s, int64_t user_id) {
  if (s.closed) return FlowStatus::kClosed;
  join_chat(tx, s.chat_id, user_id, {user_id});
  return FlowStatus::kOk;
}

Session start_operator_session(Tx& tx, const Chat& chat, int64_t user_id, std::optional<Session> parent) {
  Conn& c = tx.conn;
  auto previous = parent ? parent : last_session(c, chat.id);
  if (parent && !parent->closed) finish_session(tx, *parent, user_id, st::kClose);
  auto code = UserCode::parse(chat.entity_id);
  Session s;
  s.line_id = previous ? previous->line_id : code ? code->line_id : 0;
  s.chat_id = chat.id;
  s.user_id = previous ? previous->user_id : 0;
  s.user_code = chat.entity_id;
  s.connector = code ? code->connector : std::string();
  s.mode = "output";
  s.parent_id = parent ? parent->id : 0;
  insert_session(c, s);
  mark_chat_session(c, s);
  s.first_message_id = post_notice(tx, chat.id, "Dialog #" + std::to_string(s.id) + " started");
  save_session(c, s);
  session_events(tx, s, false);
  take(tx, s, user_id);
  s.status = st::kAnswer;
  save_session(c, s);
  announce(tx, s, user_id);
  return s;
}

FlowStatus bot_to_queue(Tx& tx, Session& s) {
  Conn& c = tx.conn;
  if (s.closed) return FlowStatus::kClosed;
  if (!bot_in_charge(c, s)) return FlowStatus::kNotBot;
  auto line = find_line(c, s.line_id);
  if (!staying_bot(line ? &*line : nullptr, s.operator_id)) leave_chat(tx, s.chat_id, s.operator_id, s.operator_id);
  s.operator_id = 0;
  s.queue_at = 0;
  s.tried.clear();
  if (!line) {
    save_session(c, s);
    return FlowStatus::kOk;
  }
  s.no_answer_at = seconds_from_now(now_unix_seconds(), line->number("NO_ANSWER_TIME"));
  offer(tx, s, *line, {});
  announce(tx, s);
  return FlowStatus::kOk;
}

void post_automatic(Tx& tx, int64_t chat_id, const std::string& text) {
  post_message(tx, NewMessage{chat_id, 0, text, class_params(kClientMessageClass), true, ""});
}

bool delete_line(Tx& tx, int64_t line_id) {
  Conn& c = tx.conn;
  if (!find_line(c, line_id)) return false;
  for (Session& s : open_sessions_of_line(c, line_id)) finish_session(tx, s, 0, st::kClose);
  // The connectors' applications hear of it (ONIMCONNECTORLINEDELETE: `data` is the line id).
  for (const std::string& connector : line_connectors(c, line_id))
    raise_connector_event(c, tx.cause(), connector, "ONIMCONNECTORLINEDELETE", Value(line_id), 0);
  return delete_line_rows(c, line_id);
}

void run_session_timers(Tx& tx, int64_t session_id, int64_t now) {
  Conn& c = tx.conn;
  auto s = find_session(c, session_id);
  if (!s || s->closed) return;
  auto line = find_line(c, s->line_id);
  if (!line) {
    s->queue_at = s->no_answer_at = 0;
    save_session(c, *s);
    return;
  }
  if (s->no_answer_at > 0 && s->no_answer_at <= now) {
    s->no_answer_at = 0;
    save_session(c, *s);
    if (!s->answered && line->text("NO_ANSWER_RULE") == "text" && !line->text("NO_ANSWER_TEXT").empty())
      post_automatic(tx, s->chat_id, line->text("NO_ANSWER_TEXT"));
  }
  if (s->close_at > 0 && s->close_at <= now) {
    s->close_at = 0;
    // The client stayed silent after the operator's reply for AUTO_CLOSE_TIME.
    if (s->status == session_status::kOperator) {
      close_session(tx, *s, 0, true);
      return;
    }
    // The wait after a close is over (FULL_CLOSE_TIME, AUTO_EXPIRE_TIME): closed for good.
    if (s->status == session_status::kWaitClient) {
      finish_session(tx, *s, 0, session_status::kClose, true);
      return;
    }
    save_session(c, *s);
  }
  if (s->queue_at > 0 && s->queue_at <= now) {
    s->queue_at = 0;
    if (bot_in_charge(c, *s)) {
      bot_to_queue(tx, *s);
      return;
    }
    if (s->answered) {
      save_session(c, *s);
      return;
    }
    // Not answered in QUEUE_TIME: the next operator's turn (the one offered it leaves).
    if (s->operator_id > 0) leave_chat(tx, s->chat_id, s->operator_id, s->operator_id);
    offer(tx, *s, *line, {});
    announce(tx, *s);
  }
}

void on_lines_message(Tx& tx, const Chat& chat, int64_t message_id, const NewMessage& m, bool by_bot) {
  Conn& c = tx.conn;
  auto s = open_session(c, chat.id);
  if (!s) s = last_session(c, chat.id);
  if (!s) return;
  const bool from_client = m.author_id > 0 && m.author_id == s->user_id;
  if (!m.system || m.author_id > 0) open_line_message_event(tx, chat, *s, message_id, m);
  if (from_client) {
    if (s->closed) return;
    if (s->status == session_status::kWaitClient) {
      client_after_close(tx, *s, m.text);
      return;
    }
    if (bot_in_charge(c, *s)) {
      // The client's "0" ends the bot's part (protocol.md §9.2); the bot still hears the "0".
      if (trim(m.text) == "0") bot_to_queue(tx, *s);
      return;
    }
    offline_text(tx, *s);
    // Waiting for the queue (NEW, SKIP) it stays; taken, it waits for the operator (CLIENT), or
    // for the operator's next reply (CLIENT_AFTER_OPERATOR once the operator has written).
    int status = s->status;
    if (status == session_status::kAnswer || status == session_status::kClient) status = session_status::kClient;
    if (status == session_status::kOperator || status == session_status::kClientAfterOperator)
      status = session_status::kClientAfterOperator;
    if (status != s->status || s->close_at != 0) {
      const bool moved = status != s->status;
      s->status = status;
      s->close_at = 0;  // the client answered: no automatic close
      save_session(c, *s);
      if (moved) announce(tx, *s);
    }
    return;
  }
  if (!client_bound(m)) return;
  if (!s->closed && m.author_id > 0 && !by_bot && is_operator_person(c, m.author_id)) {
    // Replying is answering: an operator offered the session takes it by writing.
    const bool takes = !s->answered;
    if (takes) take(tx, *s, m.author_id);
    const bool moved = takes || s->status != session_status::kOperator;
    s->status = session_status::kOperator;
    // Waiting for the client now: without an answer in AUTO_CLOSE_TIME the session closes itself.
    auto line = find_line(c, s->line_id);
    s->close_at = seconds_from_now(now_unix_seconds(), line ? line->number("AUTO_CLOSE_TIME") : 0);
    // Answered in working hours: the next time the line is closed the client is told again.
    if (s->worktime_sent && line && line_works_at(work_hours_of(*line), now_unix_seconds())) s->worktime_sent = false;
    save_session(c, *s);
    if (moved) announce(tx, *s, takes ? m.author_id : 0);
  }
  relay_to_connector(tx, chat, *s, message_id, m);
}

void on_lines_members_added(Tx& tx, int64_t chat_id, const std::vector<int64_t>& users) {
  Conn& c = tx.conn;
  auto s = open_session(c, chat_id);
  if (!s || !bot_in_charge(c, *s)) return;
  for (int64_t u : users) {
    if (u == s->operator_id) continue;
    auto bot = find_bot(c, u);
    if (!bot || !bot->openline) continue;
    s->operator_id = u;
    s->operator_at = now_unix_seconds();
    save_session(c, *s);
    announce(tx, *s);
    return;
  }
}

}  // namespace imhub
