#include "views/user_view.hpp"

#include <algorithm>
#include <ctime>
#include <set>

#include "core/clock.hpp"
#include "core/strings.hpp"
#include "users/user_query.hpp"

namespace imhub {
namespace {

std::string atom_or_empty(std::optional<int64_t> t) { return t ? atom_time(*t) : std::string(); }

std::string date_field(const std::string& stored) {
  int64_t t = 0;
  return !stored.empty() && parse_atom(stored, t) ? atom_time(t) : std::string();
}

// "2024-07-23 08:08:50" in server local time: user.current's form (protocol.md §13.2).
std::string plain_time(int64_t t) {
  std::time_t tt = static_cast<std::time_t>(t);
  std::tm tm{};
  localtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

// Fields user_basic may see (user-scope.md); everything else needs `user`.
bool basic_allows(const std::string& key) {
  static const std::set<std::string> kHidden = {"LAST_LOGIN", "PERSONAL_WWW", "USER_TYPE", "LOGIN"};
  return !kHidden.count(key);
}

// The user_brief column of user-scope.md: names and work data, no contact details.
bool brief_allows(const std::string& key) {
  static const std::set<std::string> kShown = {"ID",
                                               "XML_ID",
                                               "ACTIVE",
                                               "NAME",
                                               "LAST_NAME",
                                               "SECOND_NAME",
                                               "TITLE",
                                               "IS_ONLINE",
                                               "TIME_ZONE",
                                               "PERSONAL_PHOTO",
                                               "TIMESTAMP_X",
                                               "DATE_REGISTER",
                                               "PERSONAL_PROFESSION",
                                               "PERSONAL_GENDER",
                                               "PERSONAL_BIRTHDAY",
                                               "PERSONAL_CITY",
                                               "PERSONAL_STATE",
                                               "PERSONAL_COUNTRY",
                                               "WORK_POSITION",
                                               "WORK_CITY",
                                               "WORK_STATE",
                                               "WORK_COUNTRY",
                                               "LAST_ACTIVITY_DATE",
                                               "UF_EMPLOYMENT_DATE",
                                               "UF_TIMEMAN",
                                               "UF_SKILLS",
                                               "UF_INTERESTS",
                                               "UF_DEPARTMENT",
                                               "UF_PHONE_INNER"};
  return kShown.count(key) > 0;
}

bool selected(const std::vector<std::string>& select, const std::string& key) {
  if (select.empty()) return true;
  for (const auto& s : select) {
    std::string u = to_upper(s);
    if (u == "*" || u == key || (u == "UF_*" && key.rfind("UF_", 0) == 0)) return true;
  }
  return false;
}

}  // namespace

Value user_to_value(const User& u, const UserViewOptions& opt) {
  bool online = u.last_activity && *u.last_activity >= opt.now - kOnlineSeconds;
  Value deps = Value::list();
  for (int64_t d : u.departments) deps.push_back(d);
  Value v = Value::map();
  auto put = [&](const std::string& key, Value value) {
    if (opt.fields == UserFieldSet::kBasic && !basic_allows(key)) return;
    if (opt.fields == UserFieldSet::kBrief && !brief_allows(key)) return;
    if (selected(opt.select, key)) v[key] = std::move(value);
  };
  // Fields beyond the page example appear only when set: the platform leaves out NULL columns.
  auto put_if = [&](const std::string& key, const std::string& value) {
    if (!value.empty()) put(key, value);
  };
  put("ID", std::to_string(u.id));
  put_if("XML_ID", u.xml_id);
  put("ACTIVE", u.active);
  put("NAME", u.name);
  put("LAST_NAME", u.last_name);
  put("SECOND_NAME", u.second_name);
  put("EMAIL", u.email);
  put("LAST_LOGIN", atom_or_empty(u.last_login));
  put("DATE_REGISTER", atom_time(u.date_register));
  put("TIME_ZONE", u.time_zone);
  put("IS_ONLINE", online ? "Y" : "N");
  if (opt.current) {
    put("TIMESTAMP_X", plain_time(u.timestamp_x));
    put("LAST_ACTIVITY_DATE", u.last_activity ? Value(plain_time(*u.last_activity)) : Value());
  } else {
    // The platform serialises these as bare date objects with no public fields (user-get.md
    // example: `{}`).
    put("TIMESTAMP_X", Value::empty_object());
    put("LAST_ACTIVITY_DATE", Value::empty_object());
  }
  put("PERSONAL_GENDER", u.personal_gender);
  put("PERSONAL_WWW", u.personal_www);
  put("PERSONAL_BIRTHDAY", date_field(u.personal_birthday));
  put_if("PERSONAL_PHOTO", u.personal_photo);
  put_if("PERSONAL_PHONE", u.personal_phone);
  put("PERSONAL_MOBILE", u.personal_mobile);
  put("PERSONAL_CITY", u.personal_city);
  put("WORK_PHONE", u.work_phone);
  put_if("WORK_COMPANY", u.work_company);
  put("WORK_POSITION", u.work_position);
  put("UF_EMPLOYMENT_DATE", date_field(u.uf_employment_date));
  put_if("UF_PHONE_INNER", u.uf_phone_inner);
  put("UF_DEPARTMENT", deps);
  put("USER_TYPE", u.user_type);
  return v;
}

bool normalize_user_date(const std::string& in, std::string& out) {
  std::string s(trim(in));
  if (s.empty()) {
    out.clear();
    return true;
  }
  int64_t t = 0;
  if (!parse_atom(s, t)) return false;
  out = s.substr(0, 10);
  return true;
}

Value user_field_titles() {
  static const char* const kTitles[][2] = {{"ID", "ID"},
                                           {"XML_ID", "External code"},
                                           {"ACTIVE", "Activity"},
                                           {"NAME", "First Name"},
                                           {"LAST_NAME", "Last Name"},
                                           {"SECOND_NAME", "Middle Name"},
                                           {"TITLE", "User List"},
                                           {"EMAIL", "E-Mail"},
                                           {"LAST_LOGIN", "Last Authorization"},
                                           {"DATE_REGISTER", "Registration Date"},
                                           {"TIME_ZONE", "TIME_ZONE"},
                                           {"IS_ONLINE", "IS_ONLINE"},
                                           {"TIMESTAMP_X", "TIMESTAMP_X"},
                                           {"LAST_ACTIVITY_DATE", "LAST_ACTIVITY_DATE"},
                                           {"PERSONAL_GENDER", "Gender"},
                                           {"PERSONAL_PROFESSION", "Profession"},
                                           {"PERSONAL_WWW", "Homepage"},
                                           {"PERSONAL_BIRTHDAY", "Date of Birth"},
                                           {"PERSONAL_PHOTO", "Photo"},
                                           {"PERSONAL_ICQ", "ICQ"},
                                           {"PERSONAL_PHONE", "Personal Phone"},
                                           {"PERSONAL_FAX", "Fax"},
                                           {"PERSONAL_MOBILE", "Personal Mobile"},
                                           {"PERSONAL_PAGER", "Pager"},
                                           {"PERSONAL_STREET", "Residential Street"},
                                           {"PERSONAL_CITY", "Residential City"},
                                           {"PERSONAL_STATE", "State / Region"},
                                           {"PERSONAL_ZIP", "Zip Code"},
                                           {"PERSONAL_COUNTRY", "Country"},
                                           {"PERSONAL_MAILBOX", "P.O. Box"},
                                           {"PERSONAL_NOTES", "Additional Notes"},
                                           {"WORK_PHONE", "Company Phone"},
                                           {"WORK_COMPANY", "Company"},
                                           {"WORK_POSITION", "Job Title"},
                                           {"WORK_DEPARTMENT", "Department"},
                                           {"WORK_WWW", "Company Website"},
                                           {"WORK_FAX", "WORK_FAX"},
                                           {"WORK_PAGER", "WORK_PAGER"},
                                           {"WORK_STREET", "WORK_STREET"},
                                           {"WORK_MAILBOX", "WORK_MAILBOX"},
                                           {"WORK_CITY", "Work City"},
                                           {"WORK_STATE", "WORK_STATE"},
                                           {"WORK_ZIP", "WORK_ZIP"},
                                           {"WORK_COUNTRY", "WORK_COUNTRY"},
                                           {"WORK_PROFILE", "WORK_PROFILE"},
                                           {"WORK_LOGO", "WORK_LOGO"},
                                           {"WORK_NOTES", "WORK_NOTES"},
                                           {"UF_SKYPE_LINK", "Skype Chat Link"},
                                           {"UF_ZOOM", "Zoom"},
                                           {"UF_EMPLOYMENT_DATE", "Hire Date"},
                                           {"UF_TIMEMAN", "Time Tracking"},
                                           {"UF_DEPARTMENT", "Units"},
                                           {"UF_INTERESTS", "Interests"},
                                           {"UF_SKILLS", "Skills"},
                                           {"UF_WEB_SITES", "Other Websites"},
                                           {"UF_XING", "Xing"},
                                           {"UF_LINKEDIN", "LinkedIn"},
                                           {"UF_TWITTER", "Twitter"},
                                           {"UF_SKYPE", "Skype"},
                                           {"UF_DISTRICT", "District"},
                                           {"UF_PHONE_INNER", "Extension"},
                                           {"USER_TYPE", "USER_TYPE"}};
  Value v = Value::map();
  for (const auto& t : kTitles) v[t[0]] = t[1];
  return v;
}

}  // namespace imhub
