// Event subscriptions of applications (protocol.md §8.6, api-reference/events/): events,
// event.bind, event.unbind, event.get, event.test. Application (OAuth) callers only; a webhook
// gets WRONG_AUTH_TYPE as on Bitrix24.
#include <algorithm>

#include "api/common.hpp"
#include "api/handler_rules.hpp"
#include "apps/application.hpp"
#include "apps/event_binding.hpp"
#include "apps/event_chain.hpp"
#include "apps/event_names.hpp"
#include "apps/event_route.hpp"
#include "apps/handler_url.hpp"
#include "core/error_catalog.hpp"

namespace imhub {
namespace {

void require_app(const Caller& caller) {
  if (caller.kind != AuthKind::kOAuth) throw ApiError(errors::kWrongAuthType);
}

ApiError argument_empty(std::string_view name) {
  return ApiError(errors::kArgument, "Argument '" + std::string(name) + "' is null or empty")
      .with("argument", Value(name));
}

bool is_true(const Value& v) {
  std::string s = to_lower(v.to_string());
  return v.truthy() && s != "false" && s != "n";
}

// event_type: online (default) or offline.
bool offline_type(MethodCall& call) {
  std::string type = to_lower(call.param("event_type").to_string());
  if (type.empty() || type == "online") return false;
  if (type == "offline") return true;
  throw ApiError(errors::kArgument, "Argument 'EVENT_TYPE' must be 'online' or 'offline'")
      .with("argument", Value("EVENT_TYPE"));
}

std::string event_param(MethodCall& call) {
  std::string event = to_upper(trim(call.param("event").to_string()));
  if (event.empty()) throw argument_empty("EVENT");
  return event;
}

// The event, if the caller's application may subscribe to it (its scopes + basic).
const EventName& bindable_event(const Caller& caller, const std::string& event) {
  const EventName* name = find_event_name(event);
  if (!name || (!name->scope.empty() && !caller.has_scope(name->scope))) throw ApiError(errors::kEventNotFound);
  return *name;
}

void check_handler(const std::string& handler, const HandlerAddressRules& rules) {
  if (handler.empty()) throw argument_empty("HANDLER");
  switch (check_handler_url(handler, true)) {
    case UrlCheck::kOk:
      if (std::string why = handler_url_refusal(handler, rules); !why.empty())
        throw ApiError(errors::kWrongHandlerUrl, std::string(errors::kWrongHandlerUrl.description) + ": " + why);
      return;
    case UrlCheck::kUnsupportedProtocol:
      throw ApiError(errors::kUnsupportedProtocol);
    case UrlCheck::kWrongUrl:
      throw ApiError(errors::kWrongHandlerUrl);
  }
}

// options.minTimeout of ONOFFLINEEVENT: seconds between notifications, default 1.
int min_timeout(MethodCall& call) {
  const Value& options = call.param("options");
  const Value* v = options.is_map() ? options.get_map().find_ci("minTimeout") : nullptr;
  if (!v || v->is_null()) return 1;
  auto n = v->to_int();
  if (!n || *n < 0) {
    throw ApiError(errors::kArgument, "Argument 'options[minTimeout]' must be a non-negative integer")
        .with("argument", Value("options"));
  }
  return static_cast<int>(std::min<int64_t>(*n, 86400));
}

MethodResult events(MethodCall& call) {
  require_app(call.caller);
  const std::string scope = to_lower(trim(call.param("SCOPE").to_string()));
  const bool full = is_true(call.param("FULL"));
  Value out = Value::list();
  for (const EventName& e : event_names()) {
    bool include = false;
    if (!scope.empty()) {
      include = e.scope == scope || (e.scope.empty() && (scope == "basic" || scope == "_global"));
    } else {
      include = full || e.scope.empty() || call.caller.has_scope(e.scope);
    }
    if (include) out.push_back(Value(e.name));
  }
  return out;
}

MethodResult event_bind(MethodCall& call) {
  require_app(call.caller);
  const Caller& caller = call.caller;
  const std::string event = event_param(call);
  const bool offline = offline_type(call);
  const EventName& name = bindable_event(caller, event);
  EventBinding b;
  b.app_id = caller.app_id;
  b.event = event;
  b.offline = offline;
  b.connector = caller.auth_connector;
  if (offline) {
    if (!caller.is_admin) throw ApiError(errors::kOfflineBindAdmin);
    if (!name.offline_allowed) throw ApiError(errors::kEventNotFound);
  } else {
    b.handler = trim(call.param("handler").to_string());
    check_handler(b.handler, handler_rules(call));
    const Value& auth_type = call.param("auth_type");
    if (!auth_type.is_null() && !auth_type.to_string().empty()) {
      b.user_id = auth_type.to_int_or(0);
      if (!caller.is_admin && b.user_id != caller.user_id) throw ApiError(errors::kAuthTypeBindAdmin);
    } else if (!caller.is_admin) {
      b.user_id = caller.user_id;  // a user's subscriptions act as that user
    }
    if (event == "ONOFFLINEEVENT") b.min_timeout = min_timeout(call);
  }
  bool added = write_tx(call, [&](Tx& tx) {
    trust_if_admin(tx.conn, call, {b.handler});
    return add_binding(tx.conn, b);
  });
  if (!added) throw ApiError(errors::kAlreadyBound);
  return Value(true);
}

MethodResult event_unbind(MethodCall& call) {
  require_app(call.caller);
  const Caller& caller = call.caller;
  UnbindFilter f;
  f.app_id = caller.app_id;
  f.event = event_param(call);
  f.offline = offline_type(call);
  if (f.offline) {
    if (!caller.is_admin) throw ApiError(errors::kOfflineUnbindAdmin);
    f.user_id = 0;
  } else {
    f.handler = trim(call.param("handler").to_string());
    if (f.handler.empty()) throw argument_empty("HANDLER");
    const Value* auth_type = call.params.find_ci("auth_type");
    if (auth_type) {
      f.user_id = auth_type->to_int_or(0);  // "" and 0: rows acting as the user who caused the event
      if (!caller.is_admin && *f.user_id != caller.user_id) throw ApiError(errors::kAuthTypeUnbindAdmin);
    } else if (!caller.is_admin) {
      f.user_id = caller.user_id;
    }
  }
  int64_t count = write_tx(call, [&](Tx& tx) {
    Conn& w = tx.conn;
    return remove_bindings(w, f);
  });
  return Value::object({{"count", Value(count)}});
}

MethodResult event_get(MethodCall& call) {
  require_app(call.caller);
  auto bindings = call.services.store.read_with([&](Conn& c) { return app_bindings(c, call.caller.app_id); });
  Value out = Value::list();
  for (const EventBinding& b : bindings) {
    if (!call.caller.is_admin && (b.offline || b.user_id != call.caller.user_id)) continue;
    if (b.offline) {
      out.push_back(Value::object(
          {{"event", Value(b.event)}, {"connector_id", Value(b.connector)}, {"offline", Value(int64_t{1})}}));
    } else {
      out.push_back(Value::object({{"event", Value(b.event)},
                                   {"handler", Value(b.handler)},
                                   {"auth_type", Value(std::to_string(b.user_id))},
                                   {"offline", Value(int64_t{0})}}));
    }
  }
  return out;
}

// ONAPPTEST to the application's ONAPPTEST subscriptions, with the call's parameters as QUERY
// (api-reference/events/test-handler.md). Answers 1 whether or not anything is subscribed.
MethodResult event_test(MethodCall& call) {
  require_app(call.caller);
  AppEvent e;
  e.app_id = call.caller.app_id;
  e.event = "ONAPPTEST";
  e.data = Value::object({{"QUERY", call.params.is_null() ? Value::map() : call.params}, {"LANGUAGE_ID", Value("en")}});
  if (auto app = call.services.store.read_with([&](Conn& c) { return find_app(c, call.caller.app_id); }))
    e.data["LANGUAGE_ID"] = app->language_id;
  e.user_id = call.caller.user_id;
  e.event_ttl = event_ttl_for(call.caller);
  e.source_connector = call.caller.auth_connector;
  write_tx(call, [&](Tx& tx) {
    Conn& w = tx.conn;
    raise_app_event(w, e);
  });
  return Value(int64_t{1});
}

}  // namespace

void register_event_methods(Registry& r) {
  MethodTable t{r, "", "api-reference/events/"};
  t.add("events", Effect::kRead, events, "events.md");
  t.add("event.bind", Effect::kWrite, event_bind, "event-bind.md");
  t.add("event.unbind", Effect::kWrite, event_unbind, "event-unbind.md");
  t.add("event.get", Effect::kRead, event_get, "event-get.md");
  t.add("event.test", Effect::kWrite, event_test, "test-handler.md");
  register_event_offline_methods(r);
}

}  // namespace imhub
