#include "users/user_query.hpp"

#include <array>
#include <map>

#include "core/clock.hpp"
#include "core/strings.hpp"
#include "users/sql_where.hpp"

namespace imhub {
namespace {

enum class Kind { kText, kInt, kBool, kTime, kDate, kDepartment, kOnline, kFind, kDepartmentName };

struct Field {
  Kind kind;
  const char* column;  // constant SQL text; never caller input
};

// The whitelist: only these filter keys reach SQL, always through a constant column name.
const std::map<std::string, Field>& fields() {
  static const std::map<std::string, Field> kFields = {
      {"ID", {Kind::kInt, "id"}},
      {"ACTIVE", {Kind::kBool, "active"}},
      {"XML_ID", {Kind::kText, "xml_id"}},
      {"LOGIN", {Kind::kText, "login"}},
      {"NAME", {Kind::kText, "name"}},
      {"LAST_NAME", {Kind::kText, "last_name"}},
      {"SECOND_NAME", {Kind::kText, "second_name"}},
      {"EMAIL", {Kind::kText, "email"}},
      {"WORK_POSITION", {Kind::kText, "work_position"}},
      {"WORK_PHONE", {Kind::kText, "work_phone"}},
      {"WORK_COMPANY", {Kind::kText, "work_company"}},
      {"PERSONAL_GENDER", {Kind::kText, "personal_gender"}},
      {"PERSONAL_WWW", {Kind::kText, "personal_www"}},
      {"PERSONAL_MOBILE", {Kind::kText, "personal_mobile"}},
      {"PERSONAL_PHONE", {Kind::kText, "personal_phone"}},
      {"PERSONAL_CITY", {Kind::kText, "personal_city"}},
      {"UF_PHONE_INNER", {Kind::kText, "uf_phone_inner"}},
      {"TIME_ZONE", {Kind::kText, "time_zone"}},
      {"USER_TYPE", {Kind::kText, "user_type"}},
      {"DATE_REGISTER", {Kind::kTime, "date_register"}},
      {"TIMESTAMP_X", {Kind::kTime, "timestamp_x"}},
      {"LAST_LOGIN", {Kind::kTime, "last_login"}},
      {"LAST_ACTIVITY_DATE", {Kind::kTime, "last_activity"}},
      {"PERSONAL_BIRTHDAY", {Kind::kDate, "personal_birthday"}},
      {"UF_EMPLOYMENT_DATE", {Kind::kDate, "uf_employment_date"}},
      {"UF_DEPARTMENT", {Kind::kDepartment, ""}},
      {"IS_ONLINE", {Kind::kOnline, ""}},
      {"NAME_SEARCH", {Kind::kFind, ""}},
      {"FIND", {Kind::kFind, ""}},
      {"UF_DEPARTMENT_NAME", {Kind::kDepartmentName, ""}},
  };
  return kFields;
}

bool negated(const std::string& op) { return !op.empty() && op[0] == '!'; }
bool is_like(const std::string& op) { return op.find('%') != std::string::npos; }
bool is_range(const std::string& op) { return op == ">" || op == ">=" || op == "<" || op == "<="; }

std::vector<const Value*> values_of(const Value& v) {
  if (v.is_array()) return v.elements();
  return {&v};
}

// A filter value in the column's type; nullopt when it can match nothing (a non-date for a
// date field, user-get.md: "the condition retrieves no records").
std::optional<SqlValue> typed(Kind kind, const Value& v) {
  switch (kind) {
    case Kind::kInt:
    case Kind::kDepartment: {
      auto i = v.to_int();
      if (!i) return std::nullopt;
      return SqlValue(*i);
    }
    case Kind::kBool:
      return SqlValue(int64_t{v.is_yes() || (v.is_string() && iequals(v.get_string(), "true"))});
    case Kind::kTime: {
      int64_t t = 0;
      if (!parse_atom(v.to_string(), t)) return std::nullopt;
      return SqlValue(t);
    }
    case Kind::kDate: {
      int64_t t = 0;
      std::string s = v.to_string();
      if (!parse_atom(s, t)) return std::nullopt;
      return SqlValue(s.substr(0, 10));  // stored as YYYY-MM-DD, compared as text
    }
    default:
      return SqlValue(v.to_string());
  }
}

std::string in_list(SqlWhere& w, const std::vector<SqlValue>& vals) {
  std::string out;
  for (const auto& v : vals) out += (out.empty() ? "" : ", ") + w.bind(v);
  return out;
}

// LIKE on a text column: `%` ops search a substring, `=%`/`%=` take the caller's own pattern.
std::string like_condition(SqlWhere& w, const std::string& column, const std::string& op, const std::string& value) {
  bool raw = op.find('=') != std::string::npos;
  std::string pattern = raw ? value : "%" + like_escape(value) + "%";
  std::string cond = "LOWER(" + column + ") LIKE LOWER(" + w.bind(pattern) + ")" + (raw ? "" : " ESCAPE '\\'");
  return negated(op) ? "NOT (" + cond + ")" : cond;
}

// Equality on a text column; a value with `%` is a pattern (user-get.md: {"NAME": "Iv%"}).
std::string text_equals(SqlWhere& w, const std::string& column, const std::string& value, bool prefix) {
  if (prefix) return "LOWER(" + column + ") LIKE LOWER(" + w.bind(like_escape(value) + "%") + ") ESCAPE '\\'";
  if (value.find('%') != std::string::npos) return "LOWER(" + column + ") LIKE LOWER(" + w.bind(value) + ")";
  return "LOWER(" + column + ") = LOWER(" + w.bind(value) + ")";
}

std::string range_condition(SqlWhere& w, const Field& f, const std::string& op, const SqlValue& v) {
  std::string cond = std::string(f.column) + " " + op + " " + w.bind(v);
  // Unset dates are '' or NULL: they are not "before" anything.
  if (f.kind == Kind::kDate) cond += " AND " + std::string(f.column) + " <> ''";
  return cond;
}

std::string dept_subquery(SqlWhere& w, const std::vector<SqlValue>& ids) {
  return "id IN (SELECT user_id FROM user_departments WHERE department_id IN (" + in_list(w, ids) + "))";
}

// Quick search by personal data: every word must start a word of the name, e-mail or position,
// or of the name of one of the user's departments.
std::string find_condition(SqlWhere& w, const std::string& text) {
  std::string out;
  for (const std::string& word : split(utf8_fold(text), ' ')) {
    if (word.empty()) continue;
    std::string p = w.bind("% " + like_escape(word) + "%");
    std::string d = w.bind(like_escape(word) + "%");
    std::string cond = "(' ' || search_text) LIKE " + p +
                       " ESCAPE '\\' OR id IN (SELECT ud.user_id FROM user_departments ud JOIN departments d ON "
                       "d.id = ud.department_id WHERE LOWER(d.name) LIKE " +
                       d + " ESCAPE '\\')";
    out += (out.empty() ? "(" : " AND (") + cond + ")";
  }
  return out.empty() ? "1=1" : out;
}

std::string department_name_condition(SqlWhere& w, const std::string& name) {
  return "id IN (SELECT ud.user_id FROM user_departments ud JOIN departments d ON d.id = ud.department_id WHERE "
         "LOWER(d.name) LIKE LOWER(" +
         w.bind(like_escape(name) + "%") + ") ESCAPE '\\')";
}

std::string online_condition(SqlWhere& w, bool online, int64_t now) {
  std::string since = w.bind(now - kOnlineSeconds);
  return online ? "last_activity >= " + since : "(last_activity IS NULL OR last_activity < " + since + ")";
}

// One filter entry as SQL; "" adds nothing.
std::string condition(SqlWhere& w, const FilterKey& key, const Field& f, const Value& value, bool search, int64_t now) {
  switch (f.kind) {
    case Kind::kFind:
      return find_condition(w, value.to_string());
    case Kind::kDepartmentName:
      return department_name_condition(w, value.to_string());
    case Kind::kOnline:
      return online_condition(w, value.is_yes() != negated(key.op), now);
    default:
      break;
  }
  if (f.kind == Kind::kText && is_like(key.op)) {
    // Several patterns: any may match, or (negated) none may.
    const char* join = negated(key.op) ? " AND " : " OR ";
    std::string out;
    for (const Value* v : values_of(value))
      out += (out.empty() ? "" : join) + like_condition(w, f.column, key.op, v->to_string());
    return out;
  }
  std::vector<SqlValue> vals;
  for (const Value* v : values_of(value))
    if (auto t = typed(f.kind, *v)) vals.push_back(*t);
  bool neg = negated(key.op);
  if (vals.empty()) return neg ? "" : "1=0";
  if (is_range(key.op)) return range_condition(w, f, key.op, vals.front());
  if (f.kind == Kind::kDepartment) return (neg ? "NOT " : "") + dept_subquery(w, vals);
  if (f.kind == Kind::kText && vals.size() == 1 && key.op != "@" && key.op != "!@") {
    // user.search matches names by their beginning (its "right LIKE" mode).
    bool prefix = search && key.op.empty() && f.kind == Kind::kText && std::string(f.column) != "user_type";
    std::string cond = text_equals(w, f.column, std::get<std::string>(vals.front()), prefix);
    return neg ? "NOT (" + cond + ")" : cond;
  }
  return std::string(f.column) + (neg ? " NOT IN (" : " IN (") + in_list(w, vals) + ")";
}

void add_filter(SqlWhere& w, const UserListQuery& q, int64_t now) {
  if (!q.filter.is_map()) return;
  const Map& m = q.filter.get_map();
  bool has_find = q.search && (m.find_ci("FIND") != nullptr);
  bool has_type = false;
  for (size_t i = 0; i < m.size(); ++i) {
    FilterKey key = split_filter_key(m.key_at(i));
    auto it = fields().find(key.field);
    if (it == fields().end()) continue;  // unknown fields are ignored, as the platform does
    // user-search.md: FIND and the other fields cannot be combined; FIND wins.
    if (has_find && key.field != "FIND") continue;
    if (key.field == "USER_TYPE") has_type = true;
    std::string cond = condition(w, key, it->second, m.value_at(i), q.search, now);
    if (!cond.empty()) w.add(cond);
  }
  // user-get.md: bots, e-mail users, Open Channels and replica users are not listed.
  w.add("user_type <> 'bot' AND external_auth_id NOT IN ('bot', 'imconnector', 'replica', 'email')");
  if (!has_type) w.add("user_type IN ('employee', 'extranet')");
  if (!q.include_inactive) w.add("active = 1");
}

}  // namespace

FilterKey split_filter_key(const std::string& key) {
  // Longest operators first so "!%=" is not read as "!%".
  static const std::array<const char*, 15> kOps = {
      "!%=", "!=%", ">=", "<=", "!@", "!%", "=%", "%=", "!=", ">", "<", "@", "%", "=", "!"};
  for (const char* op : kOps) {
    std::string o(op);
    if (key.compare(0, o.size(), o) == 0) return {o, to_upper(key.substr(o.size()))};
  }
  return {"", to_upper(key)};
}

bool is_user_sort_field(const std::string& field) {
  auto it = fields().find(field);
  return it != fields().end() && *it->second.column;
}

UserPage query_users(Conn& c, const UserListQuery& q, int64_t offset, int64_t now) {
  SqlWhere w;
  add_filter(w, q, now);
  std::string sort_field = is_user_sort_field(to_upper(q.sort)) ? to_upper(q.sort) : "ID";
  std::string order = std::string(fields().at(sort_field).column) + (q.desc ? " DESC" : " ASC");
  if (sort_field != "ID") order += ", id ASC";
  UserPage page;
  if (offset >= 0) page.total = c.query_one("SELECT COUNT(*) FROM users" + w.sql(), w.args())->i64(0);
  std::string sql = "SELECT " + user_row().list() + " FROM users" + w.sql() + " ORDER BY " + order + " LIMIT " +
                    std::to_string(kPageSize) + " OFFSET " + std::to_string(std::max<int64_t>(offset, 0));
  for (const Row& r : c.query(sql, w.args())) page.users.push_back(read_user(r));
  fill_departments(c, page.users);
  return page;
}

}  // namespace imhub
