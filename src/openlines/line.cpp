#include "openlines/line.hpp"

#include <algorithm>
#include <set>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "users/user_query.hpp"

namespace imhub {
namespace {

using K = LineFieldKind;

const std::vector<std::string_view> kRules = {"none", "text", "form", "bot"};
const std::vector<std::string_view> kDays = {"MO", "TU", "WE", "TH", "FR", "SA", "SU"};

// The initial values follow the reference's config.get example where it shows one, and the
// platform's defaults otherwise.
const std::vector<LineField> kFields = {
    {"ACTIVE", K::kFlag, "Y", {}},
    {"LINE_NAME", K::kText, "Open Channel", {}},
    {"CRM", K::kFlag, "N", {}},
    {"CRM_CREATE", K::kText, "lead", {}},
    {"CRM_CREATE_SECOND", K::kText, "0", {}},
    {"CRM_CREATE_THIRD", K::kFlag, "Y", {}},
    {"CRM_FORWARD", K::kFlag, "Y", {}},
    {"CRM_CHAT_TRACKER", K::kFlag, "N", {}},
    {"CRM_TRANSFER_CHANGE", K::kFlag, "Y", {}},
    {"CRM_SOURCE", K::kText, "create", {}},
    {"QUEUE_TIME", K::kNumber, "60", {}},
    {"NO_ANSWER_TIME", K::kNumber, "60", {}},
    {"QUEUE_TYPE", K::kChoice, "evenly", {kQueueEvenly, kQueueStrictly, kQueueAll}},
    {"CHECK_AVAILABLE", K::kFlag, "N", {}},
    {"WATCH_TYPING", K::kFlag, "Y", {}},
    {"WELCOME_BOT_ENABLE", K::kFlag, "N", {}},
    {"WELCOME_MESSAGE", K::kFlag, "Y", {}},
    {"WELCOME_MESSAGE_TEXT",
     K::kText,
     "Welcome to the open channel. The first available operator will respond to you.",
     {}},
    {"VOTE_MESSAGE", K::kFlag, "Y", {}},
    {"VOTE_TIME_LIMIT", K::kNumber, "0", {}},
    {"VOTE_BEFORE_FINISH", K::kFlag, "Y", {}},
    {"VOTE_CLOSING_DELAY", K::kFlag, "N", {}},
    {"VOTE_MESSAGE_1_TEXT", K::kText, "Please rate the quality of service.", {}},
    {"VOTE_MESSAGE_1_LIKE", K::kText, "Thank you for your feedback!", {}},
    {"VOTE_MESSAGE_1_DISLIKE", K::kText, "We are sorry we couldn't assist you, we will strive to improve.", {}},
    {"VOTE_MESSAGE_2_TEXT", K::kText, "Please rate the quality of service.\r\n\r\nSend: 1 - good, 0 - bad", {}},
    {"VOTE_MESSAGE_2_LIKE", K::kText, "Thank you for your feedback!", {}},
    {"VOTE_MESSAGE_2_DISLIKE", K::kText, "We are sorry we couldn't assist you, we will strive to improve.", {}},
    {"AGREEMENT_MESSAGE", K::kFlag, "N", {}},
    {"AGREEMENT_ID", K::kNumber, "0", {}},
    {"CATEGORY_ENABLE", K::kFlag, "N", {}},
    {"CATEGORY_ID", K::kNumber, "0", {}},
    {"WELCOME_BOT_JOIN", K::kChoice, "always", {"first", "always"}},
    {"WELCOME_BOT_ID", K::kNumber, "0", {}},
    {"WELCOME_BOT_TIME", K::kNumber, "0", {}},
    {"WELCOME_BOT_LEFT", K::kChoice, "queue", {"queue", "close"}},
    {"NO_ANSWER_RULE", K::kChoice, "none", kRules},
    {"NO_ANSWER_FORM_ID", K::kNumber, "0", {}},
    {"NO_ANSWER_BOT_ID", K::kNumber, "0", {}},
    {"NO_ANSWER_TEXT",
     K::kText,
     "Unfortunately, we cannot respond to you at this moment, we will definitely get back to you.",
     {}},
    {"WORKTIME_ENABLE", K::kFlag, "N", {}},
    {"WORKTIME_FROM", K::kText, "9", {}},
    {"WORKTIME_TO", K::kText, "18.30", {}},
    {"WORKTIME_TIMEZONE", K::kText, "", {}},
    {"WORKTIME_HOLIDAYS", K::kDays, "", {}},
    {"WORKTIME_DAYOFF", K::kDays, "SA,SU", {}},
    {"WORKTIME_DAYOFF_RULE", K::kChoice, "text", kRules},
    {"WORKTIME_DAYOFF_FORM_ID", K::kNumber, "0", {}},
    {"WORKTIME_DAYOFF_BOT_ID", K::kNumber, "0", {}},
    {"WORKTIME_DAYOFF_TEXT",
     K::kText,
     "Unfortunately, we cannot respond to you at this moment.[br][br]Please write your question and we will "
     "definitely get back to you during working hours.",
     {}},
    {"CLOSE_RULE", K::kChoice, "none", kRules},
    {"CLOSE_FORM_ID", K::kNumber, "0", {}},
    {"CLOSE_BOT_ID", K::kNumber, "0", {}},
    {"CLOSE_TEXT", K::kText, "Thank you for reaching out to us, please rate the quality of service.", {}},
    {"FULL_CLOSE_TIME", K::kNumber, "10", {}},
    {"AUTO_CLOSE_RULE", K::kChoice, "none", kRules},
    {"AUTO_CLOSE_FORM_ID", K::kNumber, "0", {}},
    {"AUTO_CLOSE_BOT_ID", K::kNumber, "0", {}},
    {"AUTO_CLOSE_TIME", K::kNumber, "14400", {}},
    {"AUTO_CLOSE_TEXT", K::kText, "", {}},
    {"AUTO_EXPIRE_TIME", K::kNumber, "86400", {}},
    {"TEMPORARY", K::kFlag, "N", {}},
    {"XML_ID", K::kNullText, "", {}},
    {"LANGUAGE_ID", K::kText, "en", {}},
    {"QUICK_ANSWERS_IBLOCK_ID", K::kNumber, "0", {}},
    {"SESSION_PRIORITY", K::kNumber, "0", {}},
    {"TYPE_MAX_CHAT", K::kChoice, "answered_new", {"answered", "answered_new", "closed"}},
    {"MAX_CHAT", K::kNumber, "0", {}},
    {"OPERATOR_DATA", K::kChoice, "profile", {"profile", "queue", "hide"}},
    {"DEFAULT_OPERATOR_DATA", K::kOperator, "", {}},
    {"KPI_FIRST_ANSWER_TIME", K::kNumber, "0", {}},
    {"KPI_FIRST_ANSWER_ALERT", K::kFlag, "N", {}},
    {"KPI_FIRST_ANSWER_LIST", K::kNullList, "", {}},
    {"KPI_FIRST_ANSWER_TEXT",
     K::kText,
     "Employee #OPERATOR# exceeded the allowable response time to the client for the first message. Dialog "
     "№#DIALOG#.",
     {}},
    {"KPI_FURTHER_ANSWER_TIME", K::kNumber, "0", {}},
    {"KPI_FURTHER_ANSWER_ALERT", K::kFlag, "N", {}},
    {"KPI_FURTHER_ANSWER_LIST", K::kNullList, "", {}},
    {"KPI_FURTHER_ANSWER_TEXT",
     K::kText,
     "Employee #OPERATOR# exceeded the allowable response time to the client for the message. Dialog №#DIALOG#.",
     {}},
    {"KPI_CHECK_OPERATOR_ACTIVITY", K::kFlag, "N", {}},
    {"SEND_NOTIFICATION_EMPTY_QUEUE", K::kFlag, "N", {}},
    {"USE_WELCOME_FORM", K::kFlag, "N", {}},
    {"WELCOME_FORM_ID", K::kNumber, "0", {}},
    {"WELCOME_FORM_DELAY", K::kFlag, "N", {}},
    {"SEND_WELCOME_EACH_SESSION", K::kFlag, "N", {}},
    {"CONFIRM_CLOSE", K::kFlag, "Y", {}},
    {"IGNORE_WELCOME_FORM_RESPONSIBLE", K::kFlag, "N", {}},
};

// A list given as a list, a map of values, or a comma-separated string.
std::vector<std::string> list_items(const Value& v) {
  std::vector<std::string> out;
  if (v.is_array()) {
    for (const Value* e : v.elements())
      if (e->is_scalar()) {
        std::string s(trim(e->to_string()));
        if (!s.empty()) out.push_back(std::move(s));
      }
  } else if (v.is_scalar()) {
    for (const std::string& part : split(v.to_string(), ','))
      if (std::string s(trim(part)); !s.empty()) out.push_back(std::move(s));
  }
  return out;
}

// A list shown the platform's way: explode(',', '') gives [""].
Value days_value(const std::vector<std::string>& items) {
  Value out = Value::list();
  if (items.empty()) out.push_back(Value(""));
  for (const std::string& s : items) out.push_back(Value(s));
  return out;
}

std::optional<std::string> flag_of(const Value& v) {
  if (v.is_bool()) return v.get_bool() ? "Y" : "N";
  if (!v.is_scalar()) return std::nullopt;
  const std::string s = to_upper(trim(v.to_string()));
  if (s == "Y" || s == "1" || s == "TRUE") return "Y";
  if (s == "N" || s == "0" || s == "FALSE" || s.empty()) return "N";
  return std::nullopt;
}

Value initial_value(const LineField& f) {
  switch (f.kind) {
    case K::kNullText:
    case K::kNullList:
      return Value();
    case K::kDays:
      return days_value(list_items(Value(std::string(f.initial))));
    case K::kOperator:
      return Value::list();
    default:
      return Value(std::string(f.initial));
  }
}

// `given` normalised for field `f`; nullopt keeps the value the line had.
std::optional<Value> field_value(const LineField& f, const Value& given) {
  switch (f.kind) {
    case K::kFlag: {
      auto flag = flag_of(given);
      return flag ? std::optional<Value>(Value(*flag)) : std::nullopt;
    }
    case K::kNumber: {
      if (!given.is_scalar()) return std::nullopt;
      const int64_t n = std::max<int64_t>(0, given.to_int_or(0));
      return Value(std::to_string(n));
    }
    case K::kText:
      if (given.is_null()) return Value("");
      if (!given.is_scalar()) return std::nullopt;
      return Value(given.to_string());
    case K::kChoice: {
      if (!given.is_scalar()) return std::nullopt;
      const std::string s = to_lower(trim(given.to_string()));
      for (std::string_view c : f.choices)
        if (c == s) return Value(s);
      return std::nullopt;
    }
    case K::kNullText:
      if (given.is_null() || (given.is_string() && given.get_string().empty())) return Value();
      if (!given.is_scalar()) return std::nullopt;
      return Value(given.to_string());
    case K::kDays: {
      std::vector<std::string> items = list_items(given);
      if (f.name == "WORKTIME_DAYOFF") {
        std::vector<std::string> days;
        for (std::string& d : items) {
          d = to_upper(d);
          if (std::find(kDays.begin(), kDays.end(), d) != kDays.end() &&
              std::find(days.begin(), days.end(), d) == days.end())
            days.push_back(d);
        }
        items = std::move(days);
      }
      return days_value(items);
    }
    case K::kNullList: {
      std::vector<std::string> items = list_items(given);
      if (items.empty()) return Value();
      Value out = Value::list();
      for (const std::string& s : items) out.push_back(Value(s));
      return out;
    }
    case K::kOperator: {
      if (!given.is_map() || given.size() == 0) return Value::list();
      Value out = Value::map();
      for (std::string_view key : {"NAME", "AVATAR", "AVATAR_ID"})
        if (const Value* v = given.find_ci(key); v && v->is_scalar()) out[key] = Value(v->to_string());
      return out.size() ? out : Value::list();
    }
  }
  return std::nullopt;
}

// QUEUE given as [{ENTITY_TYPE, ENTITY_ID}] or as bare user ids.
std::vector<QueueEntry> queue_entries(const Value& given) {
  std::vector<QueueEntry> out;
  std::set<std::pair<std::string, int64_t>> seen;
  for (const Value* e : given.elements()) {
    QueueEntry q;
    if (e->is_map()) {
      const Value* type = e->find_ci("ENTITY_TYPE");
      const Value* id = e->find_ci("ENTITY_ID");
      q.entity_type = type ? to_lower(trim(type->to_string())) : "user";
      q.entity_id = id ? id->to_int_or(0) : 0;
    } else if (e->is_scalar()) {
      q.entity_type = "user";
      q.entity_id = e->to_int_or(0);
    }
    if (q.entity_id <= 0 || (q.entity_type != "user" && q.entity_type != "department")) continue;
    if (!seen.insert({q.entity_type, q.entity_id}).second) continue;
    q.sort = static_cast<int>(out.size());
    out.push_back(q);
  }
  return out;
}

std::vector<QueueEntry> load_queue(Conn& c, int64_t line_id) {
  std::vector<QueueEntry> out;
  for (const Row& r : c.query("SELECT id, sort, entity_type, entity_id FROM openline_queue WHERE line_id = $1 "
                              "ORDER BY sort, id",
                              {line_id}))
    out.push_back(QueueEntry{r.i64(0), static_cast<int>(r.i64(1)), r.str(2), r.i64(3)});
  return out;
}

void save_queue(Conn& c, OpenLine& line) {
  c.exec("DELETE FROM openline_queue WHERE line_id = $1", {line.id});
  for (QueueEntry& q : line.queue) {
    auto row = c.query_one(
        "INSERT INTO openline_queue (line_id, sort, entity_type, entity_id) VALUES ($1, $2, $3, $4) RETURNING id",
        {line.id, int64_t{q.sort}, q.entity_type, q.entity_id});
    q.id = row->i64(0);
  }
}

OpenLine read_line(Conn& c, const Row& r) {
  OpenLine line = new_line();
  line.id = r.i64(0);
  if (auto stored = parse_json(r.str(1)); stored && stored->is_map()) {
    const Value& s = *stored;
    for (size_t i = 0; i < s.get_map().size(); ++i) line.settings[s.get_map().key_at(i)] = s.get_map().value_at(i);
  }
  line.created_at = r.i64(2);
  line.modified_at = r.i64(3);
  line.modify_user_id = r.i64(4);
  line.queue = load_queue(c, line.id);
  return line;
}

constexpr const char* kLineColumns = "id, settings, created_at, modified_at, modify_user_id";

}  // namespace

std::string OpenLine::text(std::string_view field) const {
  const Value* v = settings.find(field);
  return v && v->is_scalar() ? v->to_string() : std::string();
}

int64_t OpenLine::number(std::string_view field) const {
  const Value* v = settings.find(field);
  return v && v->is_scalar() ? v->to_int_or(0) : 0;
}

bool OpenLine::flag(std::string_view field) const { return text(field) == "Y"; }

const std::vector<LineField>& line_fields() { return kFields; }

const LineField* find_line_field(std::string_view name) {
  for (const LineField& f : kFields)
    if (f.name == name) return &f;
  return nullptr;
}

OpenLine new_line() {
  OpenLine line;
  for (const LineField& f : kFields) line.settings[f.name] = initial_value(f);
  return line;
}

bool apply_line_params(OpenLine& line, const Value& params) {
  if (!params.is_map()) return false;
  for (const LineField& f : kFields) {
    const Value* given = params.find_ci(f.name);
    if (!given) continue;
    if (auto v = field_value(f, *given)) line.settings[f.name] = std::move(*v);
  }
  const Value* queue = params.find_ci("QUEUE");
  if (!queue) return false;
  line.queue = queue->is_array() ? queue_entries(*queue) : std::vector<QueueEntry>{};
  return true;
}

std::optional<OpenLine> find_line(Conn& c, int64_t id) {
  static const std::string sql = std::string("SELECT ") + kLineColumns + " FROM openlines WHERE id = $1";
  auto r = c.query_one(sql, {id});
  if (!r) return std::nullopt;
  return read_line(c, *r);
}

std::vector<OpenLine> all_lines(Conn& c) {
  static const std::string sql = std::string("SELECT ") + kLineColumns + " FROM openlines ORDER BY id";
  std::vector<OpenLine> out;
  for (const Row& r : c.query(sql)) out.push_back(read_line(c, r));
  return out;
}

int64_t insert_line(Conn& c, OpenLine& line, int64_t user_id) {
  line.created_at = line.modified_at = now_unix_seconds();
  line.modify_user_id = user_id;
  auto row = c.query_one(
      "INSERT INTO openlines (line_name, active, settings, created_at, modified_at, modify_user_id) "
      "VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
      {line.name(), int64_t{line.active() ? 1 : 0}, to_json(line.settings), line.created_at, line.modified_at,
       user_id});
  line.id = row->i64(0);
  save_queue(c, line);
  // The live chat names the line by a public code (openlines/livechat.hpp).
  c.exec("INSERT INTO livechat_lines (line_id, url_code) VALUES ($1, $2)", {line.id, random_hex(16)});
  return line.id;
}

void save_line(Conn& c, OpenLine& line, int64_t user_id, bool with_queue) {
  line.modified_at = now_unix_seconds();
  line.modify_user_id = user_id;
  c.exec(
      "UPDATE openlines SET line_name = $2, active = $3, settings = $4, modified_at = $5, modify_user_id = $6 "
      "WHERE id = $1",
      {line.id, line.name(), int64_t{line.active() ? 1 : 0}, to_json(line.settings), line.modified_at, user_id});
  if (with_queue) save_queue(c, line);
}

bool delete_line_rows(Conn& c, int64_t id) {
  if (c.exec("DELETE FROM openlines WHERE id = $1", {id}) == 0) return false;
  c.exec("DELETE FROM openline_queue WHERE line_id = $1", {id});
  c.exec("DELETE FROM openline_turns WHERE line_id = $1", {id});
  c.exec("DELETE FROM imconnector_lines WHERE line_id = $1", {id});
  c.exec("DELETE FROM openline_network_messages WHERE line_id = $1", {id});
  c.exec("DELETE FROM livechat_lines WHERE line_id = $1", {id});
  return true;
}

std::vector<QueueMember> queue_members(Conn& c, const OpenLine& line) {
  std::vector<QueueMember> out;
  std::set<int64_t> seen;
  auto add = [&](int64_t user_id, const QueueEntry& e, int64_t department) {
    if (!seen.insert(user_id).second) return;
    out.push_back(QueueMember{user_id, e.id, static_cast<int>(out.size()), department});
  };
  static const std::string kUsable =
      "u.active = 1 AND u.external_auth_id NOT IN ('bot', 'imconnector', 'email', 'replica')";
  for (const QueueEntry& e : line.queue) {
    if (e.entity_type == "user") {
      if (c.query_one("SELECT 1 FROM users u WHERE u.id = $1 AND " + kUsable, {e.entity_id})) add(e.entity_id, e, 0);
    } else {
      for (const Row& r : c.query("SELECT u.id FROM user_departments d JOIN users u ON u.id = d.user_id "
                                  "WHERE d.department_id = $1 AND " +
                                      kUsable + " ORDER BY u.id",
                                  {e.entity_id}))
        add(r.i64(0), e, e.entity_id);
    }
  }
  return out;
}

bool is_queue_operator(Conn& c, const OpenLine& line, int64_t user_id) {
  for (const QueueMember& m : queue_members(c, line))
    if (m.user_id == user_id) return true;
  return false;
}

std::vector<int64_t> lines_of_operator(Conn& c, int64_t user_id) {
  std::vector<int64_t> out;
  for (const Row& r : c.query("SELECT DISTINCT q.line_id FROM openline_queue q WHERE (q.entity_type = 'user' AND "
                              "q.entity_id = $1) OR (q.entity_type = 'department' AND q.entity_id IN "
                              "(SELECT department_id FROM user_departments WHERE user_id = $1)) ORDER BY q.line_id",
                              {user_id}))
    out.push_back(r.i64(0));
  return out;
}

bool user_online(Conn& c, int64_t user_id) {
  const int64_t since = now_unix_seconds() - kOnlineSeconds;
  return c
      .query_one(
          "SELECT 1 FROM users u LEFT JOIN user_presence p ON p.user_id = u.id WHERE u.id = $1 AND "
          "(u.last_activity >= $2 OR p.last_activity >= $2)",
          {user_id, since})
      .has_value();
}

}  // namespace imhub
