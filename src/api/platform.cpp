// Platform ("global") methods available to every credential (protocol.md §13.1).
#include <algorithm>
#include <set>

#include "api/common.hpp"
#include "core/clock.hpp"
#include "core/error_catalog.hpp"
#include "core/json.hpp"
#include "users/options.hpp"
#include "users/user.hpp"
#include "users/user_cache.hpp"

namespace imhub {
namespace {

std::string license() { return "en_selfhosted"; }

MethodResult server_time(MethodCall&) { return Value(atom_time(now_unix_seconds())); }

MethodResult scope(MethodCall& call) {
  Value out = Value::list();
  if (call.param("full").truthy() && call.param("full").to_string() != "false") {
    for (const auto& s : all_scopes()) out.push_back(s);
  } else {
    for (const auto& s : call.caller.scopes) out.push_back(s);
  }
  return out;
}

MethodResult methods(MethodCall& call) {
  const Value* scope_param = call.params.find("scope");
  bool full = call.param("full").truthy() && call.param("full").to_string() != "false";
  Value out = Value::list();
  for (const Method& m : call.services.registry.all()) {
    // Whatever the filter, a method kept for others (the console for administrators) is not shown.
    if (!admits(m.audience, call.caller)) continue;
    bool include = full ? true
                   : scope_param
                       ? (scope_param->to_string().empty() ? m.scope.empty() : m.in_scope(scope_param->to_string()))
                       : m.callable_by(call.caller);
    if (include) out.push_back(m.name);
  }
  return out;
}

MethodResult method_get(MethodCall& call) {
  std::string name = to_lower(call.param("name").to_string());
  const Method* m = name.empty() ? nullptr : call.services.registry.find(name);
  bool available = m && m->callable_by(call.caller);
  return Value::object({{"isExisting", Value(m != nullptr)}, {"isAvailable", Value(available)}});
}

MethodResult profile(MethodCall& call) {
  auto user = call.services.users->find(call.caller.user_id);
  if (!user || !user->active) return Value::map();  // inactive user: empty result `[]`
  Value v = Value::map();
  v["ID"] = std::to_string(user->id);
  v["ADMIN"] = user->is_admin;
  v["NAME"] = user->name;
  v["LAST_NAME"] = user->last_name;
  v["PERSONAL_GENDER"] = user->personal_gender;
  v["TIME_ZONE"] = user->time_zone;
  if (!user->personal_photo.empty()) v["PERSONAL_PHOTO"] = user->personal_photo;
  return v;
}

MethodResult app_info(MethodCall& call) {
  if (call.caller.kind == AuthKind::kOAuth) return app_info_of_application(call);
  if (call.caller.kind != AuthKind::kWebhook) throw ApiError(errors::kAppContextRequired);
  Value scopes = Value::list();
  for (const auto& s : call.caller.scopes) scopes.push_back(s);
  return Value::object({{"SCOPE", scopes}, {"LICENSE", Value(license())}});
}

MethodResult feature_get(MethodCall& call) {
  if (call.param("CODE").to_string().empty()) throw ApiError(errors::kCodeEmpty);
  // A self-hosted portal has no license features to report (protocol.md §13.1).
  return Value::object({{"value", Value(license())}});
}

MethodResult user_admin(MethodCall& call) {
  auto user = call.services.users->find(call.caller.user_id);
  return Value(user && user->active && user->is_admin);
}

// Option values keep their JSON type: stored encoded, decoded on read.
Value decode_option(const std::string& stored) {
  auto v = parse_json(stored);
  return v ? *v : Value(stored);
}

void require_app(const Caller& caller) {
  if (caller.kind != AuthKind::kOAuth) throw ApiError(errors::kAppContextRequired);
}

MethodResult options_get(const std::vector<std::pair<std::string, std::string>>& all, const Value& option) {
  if (option.is_scalar() && !option.to_string().empty()) {
    for (const auto& [k, v] : all)
      if (k == option.to_string()) return decode_option(v);
    return Value();
  }
  Value out = Value::map();
  for (const auto& [k, v] : all) out[k] = decode_option(v);
  return out;
}

const Value& options_param(MethodCall& call) {
  const Value& options = call.params["options"];
  if (!options.is_array() || options.size() == 0) throw ApiError(errors::kOptionsEmpty).with("argument", "options");
  return options;
}

MethodResult app_option_get(MethodCall& call) {
  require_app(call.caller);
  auto all = call.services.store.read_with([&](Conn& c) { return app_options(c, call.caller.option_owner()); });
  return options_get(all, call.params["option"]);
}

MethodResult app_option_set(MethodCall& call) {
  require_app(call.caller);
  const Value& options = options_param(call);
  if (!call.caller.is_admin) throw ApiError(errors::kAdminRequired);
  write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    const Map& m = options.is_map() ? options.get_map() : Map();
    for (size_t i = 0; i < m.size(); ++i)
      set_app_option(c, call.caller.option_owner(), m.key_at(i), to_json(m.value_at(i)));
  });
  return Value(true);
}

MethodResult user_option_get(MethodCall& call) {
  require_app(call.caller);
  auto all = call.services.store.read_with(
      [&](Conn& c) { return user_options(c, call.caller.option_owner(), call.caller.user_id); });
  return options_get(all, call.params["option"]);
}

MethodResult user_option_set(MethodCall& call) {
  require_app(call.caller);
  const Value& options = options_param(call);
  write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    const Map& m = options.is_map() ? options.get_map() : Map();
    for (size_t i = 0; i < m.size(); ++i)
      set_user_option(c, call.caller.option_owner(), call.caller.user_id, m.key_at(i), to_json(m.value_at(i)));
  });
  return Value(true);
}

}  // namespace

void register_platform_methods(Registry& r) {
  MethodTable t{r, "", "api-reference/common/"};
  t.add("server.time", Effect::kRead, server_time, "system/server-time.md");
  t.add("scope", Effect::kRead, scope, "system/scope.md");
  t.add("methods", Effect::kRead, methods, "system/methods.md");
  t.add("method.get", Effect::kRead, method_get, "system/method-get.md");
  t.add("profile", Effect::kRead, profile, "users/profile.md");
  t.add("app.info", Effect::kRead, app_info, "system/app-info.md");
  t.add("feature.get", Effect::kRead, feature_get, "system/feature-get.md");
  t.add("user.admin", Effect::kRead, user_admin, "users/user-admin.md");
  t.add("app.option.get", Effect::kRead, app_option_get, "settings/app-option-get.md");
  t.add("app.option.set", Effect::kWrite, app_option_set, "settings/app-option-set.md");
  t.add("user.option.get", Effect::kRead, user_option_get, "settings/user-option-get.md");
  t.add("user.option.set", Effect::kWrite, user_option_set, "settings/user-option-set.md");
}

}  // namespace imhub
