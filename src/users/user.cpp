#include "users/user.hpp"

#include <map>

#include "core/clock.hpp"
#include "core/strings.hpp"

namespace imhub {

const RowMapping<User>& user_row() {
  static const RowMapping<User> kRow{
      {"id", &User::id},
      {"active", &User::active},
      {"login", &User::login},
      {"name", &User::name},
      {"last_name", &User::last_name},
      {"second_name", &User::second_name},
      {"email", &User::email},
      {"xml_id", &User::xml_id},
      {"work_position", &User::work_position},
      {"work_phone", &User::work_phone},
      {"work_company", &User::work_company},
      {"personal_gender", &User::personal_gender},
      {"personal_birthday", &User::personal_birthday},
      {"personal_www", &User::personal_www},
      {"personal_mobile", &User::personal_mobile},
      {"personal_phone", &User::personal_phone},
      {"personal_city", &User::personal_city},
      {"personal_photo", &User::personal_photo},
      {"uf_phone_inner", &User::uf_phone_inner},
      {"uf_employment_date", &User::uf_employment_date},
      {"time_zone", &User::time_zone},
      {"user_type", &User::user_type},
      {"external_auth_id", &User::external_auth_id},
      {"is_admin", &User::is_admin},
      {"date_register", &User::date_register},
      {"last_login", &User::last_login},
      {"last_activity", &User::last_activity},
      {"timestamp_x", &User::timestamp_x},
  };
  return kRow;
}

std::string User::full_name() const {
  std::string n = name;
  if (!last_name.empty()) n += (n.empty() ? "" : " ") + last_name;
  return n;
}

User read_user(const Row& r) { return user_row().read(r); }

std::optional<User> find_user(Conn& c, int64_t id) {
  auto row = c.query_one("SELECT " + user_row().list() + " FROM users WHERE id = $1", {id});
  if (!row) return std::nullopt;
  User u = read_user(*row);
  u.departments = user_departments(c, id);
  return u;
}

std::vector<int64_t> user_departments(Conn& c, int64_t user_id) {
  std::vector<int64_t> out;
  for (const Row& r :
       c.query("SELECT department_id FROM user_departments WHERE user_id = $1 ORDER BY department_id", {user_id}))
    out.push_back(r.i64(0));
  return out;
}

void fill_departments(Conn& c, std::vector<User>& users) {
  if (users.empty()) return;
  std::string ids;
  for (const User& u : users) ids += (ids.empty() ? "" : ",") + std::to_string(u.id);
  std::map<int64_t, std::vector<int64_t>> by_user;
  for (const Row& r : c.query("SELECT user_id, department_id FROM user_departments WHERE user_id IN (" + ids +
                              ") ORDER BY user_id, department_id"))
    by_user[r.i64(0)].push_back(r.i64(1));
  for (User& u : users) u.departments = by_user[u.id];
}

namespace {
std::string search_text(const User& u) {
  return utf8_fold(u.name + " " + u.last_name + " " + u.second_name + " " + u.email + " " + u.login + " " +
                   u.work_position);
}
SqlArgs user_args(const User& u) {
  return {int64_t{u.active},
          u.login,
          u.name,
          u.last_name,
          u.second_name,
          u.email,
          u.xml_id,
          u.work_position,
          u.work_phone,
          u.work_company,
          u.personal_gender,
          u.personal_birthday,
          u.personal_www,
          u.personal_mobile,
          u.personal_phone,
          u.personal_city,
          u.personal_photo,
          u.uf_phone_inner,
          u.uf_employment_date,
          u.time_zone,
          u.user_type,
          u.external_auth_id,
          int64_t{u.is_admin},
          u.date_register,
          u.last_login ? SqlValue(*u.last_login) : SqlValue(nullptr),
          u.last_activity ? SqlValue(*u.last_activity) : SqlValue(nullptr),
          u.timestamp_x,
          search_text(u)};
}
}  // namespace

int64_t insert_user(Conn& c, User& u) {
  int64_t now = now_unix_seconds();
  if (!u.date_register) u.date_register = now;
  if (!u.timestamp_x) u.timestamp_x = now;
  auto row = c.query_one(
      "INSERT INTO users (active, login, name, last_name, second_name, email, xml_id, work_position, work_phone, "
      "work_company, personal_gender, personal_birthday, personal_www, personal_mobile, personal_phone, "
      "personal_city, personal_photo, uf_phone_inner, uf_employment_date, time_zone, user_type, external_auth_id, "
      "is_admin, date_register, last_login, last_activity, timestamp_x, search_text) VALUES ($1, $2, $3, $4, $5, "
      "$6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, $23, $24, $25, $26, $27, "
      "$28) RETURNING id",
      user_args(u));
  u.id = row->i64(0);
  set_user_departments(c, u.id, u.departments);
  return u.id;
}

void update_user(Conn& c, const User& u) {
  SqlArgs args = user_args(u);
  args.push_back(u.id);
  c.exec(
      "UPDATE users SET active = $1, login = $2, name = $3, last_name = $4, second_name = $5, email = $6, "
      "xml_id = $7, work_position = $8, work_phone = $9, work_company = $10, personal_gender = $11, "
      "personal_birthday = $12, personal_www = $13, personal_mobile = $14, personal_phone = $15, "
      "personal_city = $16, personal_photo = $17, uf_phone_inner = $18, uf_employment_date = $19, "
      "time_zone = $20, user_type = $21, external_auth_id = $22, is_admin = $23, date_register = $24, "
      "last_login = $25, last_activity = $26, timestamp_x = $27, search_text = $28 WHERE id = $29",
      args);
  set_user_departments(c, u.id, u.departments);
}

void set_user_departments(Conn& c, int64_t user_id, const std::vector<int64_t>& departments) {
  c.exec("DELETE FROM user_departments WHERE user_id = $1", {user_id});
  for (int64_t d : departments)
    c.exec("INSERT INTO user_departments (user_id, department_id) VALUES ($1, $2) ON CONFLICT DO NOTHING",
           {user_id, d});
}

bool email_taken(Conn& c, const std::string& email, int64_t except_id) {
  return c.query_one("SELECT 1 FROM users WHERE LOWER(email) = LOWER($1) AND id <> $2", {email, except_id}).has_value();
}

std::vector<int64_t> active_employee_ids(Conn& c) {
  std::vector<int64_t> ids;
  for (const Row& row : c.query("SELECT id FROM users WHERE active = 1 AND user_type = 'employee' AND "
                                "external_auth_id NOT IN ('bot', 'imconnector', 'email', 'replica') ORDER BY id"))
    ids.push_back(row.i64(0));
  return ids;
}

}  // namespace imhub
