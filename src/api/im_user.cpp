// im.user.* methods (scope `im`): messenger user objects and the caller's presence. Contract:
// spec 002 ("Users"), reference api-reference/chats/users/. The object lives in views/im_user,
// presence in im/presence.
#include <algorithm>

#include "api/common.hpp"
#include "api/im_params.hpp"
#include "core/clock.hpp"
#include "core/error_catalog.hpp"
#include "im/presence.hpp"
#include "im/user_visibility.hpp"
#include "users/user_cache.hpp"
#include "views/im_user.hpp"

namespace imhub {

// Defined with their methods in im_department.cpp and im_search.cpp.
void register_im_department_methods(Registry& r);
void register_im_search_methods(Registry& r);

namespace {

const std::string kDoc = "api-reference/chats/users/";

// Descriptions: the spec's example text where it prints one, else the reference's.

ImUserOptions user_options(const MethodCall& call) {
  ImUserOptions opt;
  opt.avatar_hr = call.param("AVATAR_HR").is_yes();
  opt.viewer_id = call.caller.user_id;
  return opt;
}

MethodResult user_get(MethodCall& call) {
  auto viewer = caller_user(call);
  int64_t id = viewer->id;
  if (const Value& p = call.param("ID"); !p.is_null()) {
    id = p.is_scalar() ? p.to_int_or(0) : 0;
    if (id <= 0) throw ApiError(errors::kIdEmptyImUser);
  }
  auto user = call.services.users->find(id);
  if (!user) throw ApiError(errors::kUserNotExists);
  const ImUserOptions opt = user_options(call);
  return call.services.store.read_with([&](Conn& c) {
    if (!can_see_user(c, *viewer, id)) throw ApiError(errors::kAccessDeniedImUser);
    return im_user_object(c, call.services.config, *user, opt);
  });
}

// Keyed by user id (unknown ids map to null), or a plain list with RESULT_TYPE=array (reference).
MethodResult user_list_get(MethodCall& call) {
  auto viewer = caller_user(call);
  auto ids = id_list_param(call.param("ID"));
  if (!ids || ids->empty()) throw ApiError(errors::kInvalidFormat);
  const bool as_list = iequals(call.param("RESULT_TYPE").to_string(), "array");
  const ImUserOptions opt = user_options(call);
  std::vector<std::shared_ptr<const User>> users;
  for (int64_t id : *ids) users.push_back(call.services.users->find(id));
  Value out = as_list ? Value::list() : Value::map();
  call.services.store.read([&](Conn& c) {
    for (size_t i = 0; i < ids->size(); ++i) {
      const int64_t id = (*ids)[i];
      // Extranet callers: people outside their circle "will be skipped without error".
      if (!can_see_user(c, *viewer, id)) continue;
      if (!users[i]) {
        if (!as_list) out[std::to_string(id)] = Value();
        continue;
      }
      Value u = im_user_object(c, call.services.config, *users[i], opt);
      if (as_list)
        out.push_back(std::move(u));
      else
        out[std::to_string(id)] = std::move(u);
    }
  });
  return out;
}

MethodResult status_get(MethodCall& call) {
  const int64_t me = caller_user(call)->id;
  return Value(call.services.store.read_with([&](Conn& c) { return load_presence(c, me).status; }));
}

MethodResult status_set(MethodCall& call) {
  const int64_t me = caller_user(call)->id;
  const Value& p = call.param("STATUS");
  const std::string status = p.is_scalar() ? p.to_string() : "";
  if (!is_valid_status(status)) throw ApiError(errors::kStatusError);
  // Choosing a status is itself activity.
  write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    save_status(tx, me, status);
    save_activity(c, me, now_unix_seconds());
  });
  return Value(true);
}

// AGO: how many minutes ago the user went idle (default 10, at least 1).
MethodResult idle_start(MethodCall& call) {
  const int64_t me = caller_user(call)->id;
  const Value& p = call.param("AGO");
  int64_t ago = p.is_null() || (p.is_string() && p.get_string().empty()) ? 10 : p.to_int_or(1);
  ago = std::max<int64_t>(ago, 1);
  const int64_t since = now_unix_seconds() - ago * 60;
  write_tx(call, [&](Tx& tx) { save_idle(tx, me, since); });
  return Value(true);
}

MethodResult idle_end(MethodCall& call) {
  const int64_t me = caller_user(call)->id;
  // The user is back: that is activity too.
  write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    save_idle(tx, me, std::nullopt);
    save_activity(c, me, now_unix_seconds());
  });
  return Value(true);
}

// Users with access to the business tools: every active employee (no licence tiers here).
MethodResult business_list(MethodCall& call) {
  caller_user(call);
  const OffsetLimit page = offset_limit(call);
  const bool user_data = call.param("USER_DATA").is_yes();
  MethodResult r;
  call.services.store.read([&](Conn& c) {
    const std::vector<int64_t> all = active_employee_ids(c);
    Value list = Value::list();
    for (int64_t id : page_of(all, page, r)) {
      if (!user_data) {
        list.push_back(id);
      } else if (auto u = find_user(c, id)) {
        list.push_back(im_user_object(c, call.services.config, *u));
      }
    }
    r.result = std::move(list);
  });
  return r;
}

}  // namespace

void register_im_users_methods(Registry& r) {
  const MethodTable table{r, "im", kDoc};
  table.add("im.user.get", Effect::kRead, user_get, "im-user-get.md",
            "absent is always false (no absence calendar); extranet circles are the people sharing a chat");
  table.add("im.user.list.get", Effect::kRead, user_list_get, "im-user-list-get.md", "");
  table.add("im.user.status.get", Effect::kRead, status_get, "im-user-status-get.md", "");
  table.add("im.user.status.set", Effect::kWrite, status_set, "im-user-status-set.md", "");
  table.add("im.user.status.idle.start", Effect::kWrite, idle_start, "im-user-status-idle-start.md", "");
  table.add("im.user.status.idle.end", Effect::kWrite, idle_end, "im-user-status-idle-end.md", "");
  table.add("im.user.business.list", Effect::kRead, business_list, "",
            "no reference page; every active employee counts as a business user");
  register_im_department_methods(r);
  register_im_search_methods(r);
}

}  // namespace imhub
