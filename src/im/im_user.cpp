#include "im/im_user.hpp"

#include "core/clock.hpp"
#include "im/chat.hpp"
#include "rest/services.hpp"

namespace imhub {
namespace {

// "DD-MM" from the stored YYYY-MM-DD birthday (spec example "26-01"); "" when unknown.
std::string birthday_day_month(const std::string& ymd) {
  if (ymd.size() < 10) return "";
  return ymd.substr(8, 2) + "-" + ymd.substr(5, 2);
}

bool is_bot(const User& u) { return u.external_auth_id == "bot"; }

std::string user_type(const User& u) {
  if (is_bot(u)) return "bot";
  if (u.user_type == "extranet") return "extranet";
  return "user";
}

Value date_or_false(const std::optional<int64_t>& t) { return t ? Value(atom_time(*t)) : Value(false); }

}  // namespace

std::string user_color_hex(int64_t user_id) {
  const auto& names = chat_colors();
  return chat_color_hex(names[static_cast<size_t>(user_id) % names.size()]);
}

Value im_user_object(Conn& c, const Services& s, const User& u) {
  (void)c;
  Value v = Value::map();
  v["id"] = u.id;
  v["active"] = u.active;
  v["name"] = u.full_name();
  v["first_name"] = u.name;
  v["last_name"] = u.last_name;
  v["work_position"] = u.work_position;
  v["color"] = user_color_hex(u.id);
  v["avatar"] = u.personal_photo;
  v["avatar_hr"] = u.personal_photo;
  v["gender"] = u.personal_gender == "F" ? "F" : "M";
  v["birthday"] = birthday_day_month(u.personal_birthday);
  v["extranet"] = u.user_type == "extranet";
  v["network"] = false;
  v["bot"] = is_bot(u);
  v["connector"] = u.external_auth_id == "imconnector";
  v["external_auth_id"] = u.external_auth_id.empty() ? "default" : u.external_auth_id;
  v["status"] = "online";
  v["idle"] = false;
  v["last_activity_date"] = date_or_false(u.last_activity);
  v["mobile_last_date"] = false;
  v["desktop_last_date"] = false;
  Value departments = Value::list();
  for (int64_t d : u.departments) departments.push_back(d);
  v["departments"] = std::move(departments);
  v["absent"] = false;
  v["phones"] = Value::object({{"work_phone", u.work_phone},
                               {"personal_mobile", u.personal_mobile},
                               {"personal_phone", u.personal_phone},
                               {"inner_phone", u.uf_phone_inner}});
  v["website"] = u.personal_www;
  v["email"] = u.email;
  v["bot_data"] = Value();
  v["type"] = user_type(u);
  (void)s;
  return v;
}

}  // namespace imhub
