// People of the portal: the stored user record and its reads and writes.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "store/row_mapping.hpp"
#include "store/store.hpp"

namespace imhub {

struct User {
  int64_t id = 0;
  bool active = true;
  std::string login, name, last_name, second_name, email, xml_id;
  std::string work_position, work_phone, work_company;
  std::string personal_gender, personal_birthday, personal_www, personal_mobile, personal_phone, personal_city;
  std::string personal_photo, uf_phone_inner, uf_employment_date, time_zone;
  std::string user_type = "employee";  // employee, extranet, email, bot (bots use external_auth_id)
  std::string external_auth_id;
  bool is_admin = false;
  int64_t date_register = 0;
  std::optional<int64_t> last_login, last_activity;
  int64_t timestamp_x = 0;
  std::vector<int64_t> departments;

  std::string full_name() const;
};

// The column list matching read_user(); shared by every query that loads users.
const RowMapping<User>& user_row();
User read_user(const Row& row);  // departments not filled

std::optional<User> find_user(Conn& c, int64_t id);
std::vector<int64_t> user_departments(Conn& c, int64_t user_id);
// Loads departments for many users at once.
void fill_departments(Conn& c, std::vector<User>& users);
// Inserts and returns the new id; fills date_register/timestamp_x when zero.
int64_t insert_user(Conn& c, User& u);
void update_user(Conn& c, const User& u);
void set_user_departments(Conn& c, int64_t user_id, const std::vector<int64_t>& departments);
// Whether another user (not `except_id`) has this e-mail, case-insensitively.
bool email_taken(Conn& c, const std::string& email, int64_t except_id);
// Active employees (not bots, connector guests, e-mail or replica users), by id.
std::vector<int64_t> active_employee_ids(Conn& c);

}  // namespace imhub
