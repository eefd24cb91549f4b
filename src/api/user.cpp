// user.* methods (scope `user`; the read methods also `user_basic` and `user_brief`). Reference pages:
// api-reference/user/*.md. Filtering and SQL live in users/user_query, the wire form in users/user_view.
#include <algorithm>
#include <set>

#include "api/common.hpp"
#include "core/clock.hpp"
#include "core/error_catalog.hpp"
#include "im/presence.hpp"
#include "users/department.hpp"
#include "users/user.hpp"
#include "users/user_query.hpp"
#include "views/user_view.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/user/";

// user-add.md / user-update.md error tables (ERROR_CORE and ERROR_ARGUMENT answer 400).

// Parameters that steer the list methods rather than filter them.
bool is_control_param(const std::string& key) {
  static const std::set<std::string> kControl = {"SORT", "ORDER", "FILTER", "ADMIN_MODE", "SELECT", "IMAGE_RESIZE"};
  return kControl.count(to_upper(key)) > 0;
}

bool flag(const Value& v) {
  if (v.is_bool()) return v.get_bool();
  std::string s = to_lower(v.to_string());
  return s == "y" || s == "true" || s == "1";
}

// user-get.md: FILTER (or `filter`) plus any field given at the top level of the call.
Value merged_filter(const MethodCall& call) {
  Value out = Value::map();
  if (call.params.is_map()) {
    const Map& m = call.params.get_map();
    for (size_t i = 0; i < m.size(); ++i)
      if (!is_control_param(m.key_at(i))) out[m.key_at(i)] = m.value_at(i);
  }
  const Value& filter = call.param("FILTER");
  if (filter.is_map()) {
    const Map& m = filter.get_map();
    for (size_t i = 0; i < m.size(); ++i) out[m.key_at(i)] = m.value_at(i);
  }
  return out;
}

// `sort` may be a field name (with `order`) or a {FIELD: DIRECTION} map.
void read_sort(const MethodCall& call, std::string& field, bool& desc) {
  const Value& sort = call.param("sort");
  std::string order = call.param("order").to_string();
  if (sort.is_map() && sort.size() > 0) {
    field = sort.get_map().key_at(0);
    order = sort.get_map().value_at(0).to_string();
  } else if (sort.is_scalar()) {
    field = sort.to_string();
  }
  desc = iequals(order, "DESC");
}

UserViewOptions view_options(const MethodCall& call) {
  UserViewOptions opt;
  opt.fields = call.caller.has_scope("user")         ? UserFieldSet::kFull
               : call.caller.has_scope("user_basic") ? UserFieldSet::kBasic
                                                     : UserFieldSet::kBrief;
  opt.now = now_unix_seconds();
  const Value& select = call.param("select");
  for (const Value* v : select.elements())
    if (v->is_scalar()) opt.select.push_back(v->to_string());
  return opt;
}

MethodResult list_users(MethodCall& call, bool search) {
  UserListQuery q;
  q.filter = merged_filter(call);
  q.search = search;
  read_sort(call, q.sort, q.desc);
  q.include_inactive = call.caller.is_admin && flag(call.param("ADMIN_MODE"));
  UserViewOptions opt = view_options(call);
  UserPage page = call.services.store.read_with([&](Conn& c) {
    UserPage p = query_users(c, q, call.start, opt.now);
    // Activity is kept apart from the users table (im/presence): IS_ONLINE reads both.
    merge_presence_activity(c, p.users);
    return p;
  });
  Value list = Value::list();
  for (const User& u : page.users) list.push_back(user_to_value(u, opt));
  MethodResult r(std::move(list));
  r.total = page.total;
  int64_t offset = std::max<int64_t>(call.start, 0);
  if (page.total && offset + static_cast<int64_t>(page.users.size()) < *page.total)
    r.next = offset + static_cast<int64_t>(page.users.size());
  return r;
}

MethodResult user_get(MethodCall& call) { return list_users(call, false); }
MethodResult user_search(MethodCall& call) { return list_users(call, true); }

MethodResult user_current(MethodCall& call) {
  auto user = call.services.store.read_with([&](Conn& c) { return find_user(c, call.caller.user_id); });
  if (!user) throw ApiError(errors::kUserAuthRequired);
  UserViewOptions opt = view_options(call);
  opt.current = true;
  // The caller is active at this very moment, whatever the stored activity time says.
  user->last_activity = opt.now;
  return user_to_value(*user, opt);
}

MethodResult user_fields(MethodCall&) { return user_field_titles(); }

bool valid_email(const std::string& e) {
  auto at = e.find('@');
  if (at == std::string::npos || at == 0 || e.find('@', at + 1) != std::string::npos) return false;
  auto dot = e.find('.', at);
  if (dot == std::string::npos || dot == at + 1 || dot + 1 >= e.size()) return false;
  return std::none_of(e.begin(), e.end(), [](char c) { return c == ' ' || c == ',' || c == ';' || c == '<'; });
}

std::string email_param(const MethodCall& call) {
  std::string email(trim(call.param("EMAIL").to_string()));
  if (!valid_email(email)) throw ApiError(errors::kWrongEmail).with("argument", "");
  return email;
}

std::vector<int64_t> department_ids(const Value& v) {
  std::vector<int64_t> out;
  for (const Value* e : v.is_array() ? v.elements() : std::vector<const Value*>{&v}) {
    auto id = e->to_int();
    if (id && *id > 0 && std::find(out.begin(), out.end(), *id) == out.end()) out.push_back(*id);
  }
  return out;
}

void check_departments(Conn& c, const std::vector<int64_t>& ids) {
  for (int64_t id : ids)
    if (!find_department(c, id)) throw ApiError(errors::kNotFoundDepartment);
}

// The profile fields user.add and user.update accept; the rest of the page's fields have no
// column here and are ignored, as the platform ignores unknown fields.
void apply_profile(const MethodCall& call, User& u) {
  struct Text {
    const char* key;
    std::string User::*field;
  };
  static const Text kText[] = {
      {"NAME", &User::name},
      {"LAST_NAME", &User::last_name},
      {"SECOND_NAME", &User::second_name},
      {"XML_ID", &User::xml_id},
      {"PERSONAL_GENDER", &User::personal_gender},
      {"PERSONAL_WWW", &User::personal_www},
      {"PERSONAL_PHONE", &User::personal_phone},
      {"PERSONAL_MOBILE", &User::personal_mobile},
      {"PERSONAL_CITY", &User::personal_city},
      {"WORK_PHONE", &User::work_phone},
      {"WORK_COMPANY", &User::work_company},
      {"WORK_POSITION", &User::work_position},
      {"UF_PHONE_INNER", &User::uf_phone_inner},
      {"TIME_ZONE", &User::time_zone},
  };
  for (const Text& t : kText)
    if (const Value* v = call.params.find_ci(t.key); v && !v->is_array()) u.*t.field = v->to_string();
  static const std::pair<const char*, std::string User::*> kDates[] = {
      {"PERSONAL_BIRTHDAY", &User::personal_birthday}, {"UF_EMPLOYMENT_DATE", &User::uf_employment_date}};
  for (const auto& [key, field] : kDates)
    if (const Value* v = call.params.find_ci(key); v && !v->is_array())
      if (!normalize_user_date(v->to_string(), u.*field)) throw ApiError(errors::kBadDate);
}

// user-add.md: extranet users name their workgroups, intranet users their departments.
void apply_membership(const MethodCall& call, User& u) {
  if (call.param("EXTRANET").is_yes()) {
    const Value& groups = call.param("SONET_GROUP_ID");
    if (groups.is_null() || (!groups.is_array() && groups.to_string().empty())) throw ApiError(errors::kNoGroupId);
    if (department_ids(groups).empty()) throw ApiError(errors::kBadGroup);
    u.user_type = "extranet";
    return;
  }
  u.departments = department_ids(call.param("UF_DEPARTMENT"));
  if (u.departments.empty()) throw ApiError(errors::kNoExtranetField).with("argument", "");
}

MethodResult user_add(MethodCall& call) {
  if (!call.caller.is_admin) throw ApiError(errors::kCoreAccessDenied);
  User u;
  u.email = email_param(call);
  u.login = u.email;
  apply_membership(call, u);
  apply_profile(call, u);
  int64_t id = write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    if (email_taken(c, u.email, 0)) throw ApiError(errors::kEmailExists).with("argument", "");
    check_departments(c, u.departments);
    const int64_t added = insert_user(c, u);
    tx.raise(UserAdded{added, call.caller.user_id});
    return added;
  });
  return Value(id);
}

MethodResult user_update(MethodCall& call) {
  auto id = call.param("ID").to_int();
  // user-update.md: a bad ID and a foreign profile both answer access_denied; users may edit themselves.
  if (!id || *id <= 0) throw ApiError(errors::kCoreAccessDenied);
  bool admin = call.caller.is_admin;
  if (!admin && *id != call.caller.user_id) throw ApiError(errors::kCoreAccessDenied);
  std::optional<std::string> email;
  if (!call.param("EMAIL").is_null()) email = email_param(call);
  write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    auto u = find_user(c, *id);
    if (!u) throw ApiError(errors::kCoreUpdateFailed);
    apply_profile(call, *u);
    if (email) {
      if (email_taken(c, *email, u->id)) throw ApiError(errors::kEmailExists).with("argument", "");
      u->email = *email;
    }
    // Activity and membership are the administrator's to change, never the user's own.
    if (admin && !call.param("ACTIVE").is_null()) u->active = flag(call.param("ACTIVE"));
    if (admin && !call.param("UF_DEPARTMENT").is_null()) {
      u->departments = department_ids(call.param("UF_DEPARTMENT"));
      check_departments(c, u->departments);
    }
    u->timestamp_x = now_unix_seconds();
    update_user(c, *u);
  });
  return Value(true);
}

}  // namespace

void register_user_methods(Registry& r) {
  const std::string kRead = "user,user_basic,user_brief";
  auto add = [&](std::string name, std::string scope, Effect effect, Handler h, std::string page, std::string note) {
    r.add({.name = std::move(name),
           .scope = std::move(scope),
           .effect = effect,
           .handler = std::move(h),
           .doc = kDoc + page,
           .note = std::move(note)});
  };
  add("user.current", kRead, Effect::kRead, user_current, "user-current.md", "");
  add("user.get", kRead, Effect::kRead, user_get, "user-get.md",
      "IMAGE_RESIZE and custom UF_USR_* fields are not supported");
  add("user.search", kRead, Effect::kRead, user_search, "user-search.md",
      "FIND uses word-prefix LIKE, no full-text index");
  add("user.fields", kRead, Effect::kRead, user_fields, "user-fields.md", "");
  add("user.add", "user", Effect::kWrite, user_add, "user-add.md",
      "no invitation e-mail, no user limit; PERSONAL_PHOTO and extranet SONET_GROUP_ID are accepted but not stored");
  add("user.update", "user", Effect::kWrite, user_update, "user-update.md",
      "fields without a column (PERSONAL_PHOTO, WORK_*, UF_SKYPE...) are ignored");
}

}  // namespace imhub
