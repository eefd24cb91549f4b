// placement.bind / unbind / get / list (scope `placement`) for the IM_* placements of the new chat
// design (spec 002 "Application for New Chat Design"). Application (OAuth) callers only, bind,
// unbind and get for administrators, as Bitrix\Rest\Api\Placement; the codes and texts of the
// reference widgets/placement-*.md pages. imhub has no other placements (CRM, tasks …).
#include "bots/placement.hpp"
#include "api/common.hpp"
#include "apps/application.hpp"
#include "apps/handler_url.hpp"
#include "core/error_catalog.hpp"
#include "text/placement_options.hpp"

namespace imhub {
namespace {

// The language TITLE/DESCRIPTION/GROUP_NAME go to without LANG_ALL (the portal's first language).
constexpr const char* kDefaultLanguage = "en";

void require_application(const MethodCall& call) {
  if (call.caller.kind != AuthKind::kOAuth) throw ApiError(errors::kNotApplication);
}

void require_admin(const MethodCall& call) {
  require_application(call);
  if (!call.caller.is_admin) throw ApiError(errors::kAccessDenied);
}

ApiError argument_empty(std::string_view name) {
  return ApiError(errors::kArgument, "Argument '" + std::string(name) + "' is null or empty")
      .with("argument", Value(name));
}

std::string text_param(const MethodCall& call, std::string_view name) {
  const Value& v = call.param(name);
  return v.is_scalar() ? std::string(trim(v.to_string())) : "";
}

// LANG_ALL {lang: {TITLE, DESCRIPTION, GROUP_NAME}}, or TITLE / DESCRIPTION / GROUP_NAME for the
// default language (Bitrix\Rest\Api\Placement::bind).
Value placement_lang(const MethodCall& call) {
  Value out = Value::map();
  const Value& all = call.param("LANG_ALL");
  if (all.is_map() && all.size() > 0) {
    const Map& m = all.get_map();
    for (size_t i = 0; i < m.size(); ++i) {
      Value entry = Value::map();
      for (const char* key : {"TITLE", "DESCRIPTION", "GROUP_NAME"}) {
        const Value* v = m.value_at(i).is_map() ? m.value_at(i).find_ci(key) : nullptr;
        entry[key] = v && v->is_scalar() ? std::string(trim(v->to_string())) : std::string();
      }
      out[to_lower(m.key_at(i))] = std::move(entry);
    }
    return out;
  }
  Value entry = Value::map();
  for (const char* key : {"TITLE", "DESCRIPTION", "GROUP_NAME"})
    if (std::string v = text_param(call, key); !v.empty()) entry[key] = v;
  if (entry.size() > 0) out[kDefaultLanguage] = std::move(entry);
  return out;
}

MethodResult placement_bind(MethodCall& call) {
  require_admin(call);
  const std::string placement = to_upper(text_param(call, "PLACEMENT"));
  if (placement.empty()) throw argument_empty("PLACEMENT");
  if (placement == "DEFAULT") throw ApiError(errors::kArgument, "Wrong value").with("argument", Value("PLACEMENT"));
  const std::string handler = text_param(call, "HANDLER");
  if (handler.empty()) throw argument_empty("HANDLER");
  switch (check_handler_url(handler, true)) {
    case UrlCheck::kOk:
      break;
    case UrlCheck::kUnsupportedProtocol:
      throw ApiError(errors::kUnsupportedProtocol);
    case UrlCheck::kWrongUrl:
      throw ApiError(errors::kWrongHandlerUrl);
  }
  if (!is_im_placement(placement)) throw ApiError(errors::kPlacementNotFound);
  // Only PAGE_BACKGROUND_WORKER has a user mode on the platform.
  if (call.param("USER_ID").to_int_or(0) > 0) throw ApiError(errors::kUserMode);
  PlacementBinding b;
  b.app_id = call.caller.app_id;
  b.placement = placement;
  b.handler = handler;
  b.options = validate_placement_options(placement, call.param("OPTIONS"));
  b.lang = placement_lang(call);
  const bool added = write_tx(call, [&](Tx& tx) {
    Conn& w = tx.conn;
    // Without any title the application's name stands in (as on the platform).
    if (b.lang.size() == 0)
      if (auto app = find_app(w, b.app_id)) b.lang[kDefaultLanguage] = Value::object({{"TITLE", Value(app->name)}});
    const Value& first = b.lang.size() > 0 ? b.lang.get_map().value_at(0) : Value::null_value();
    const Value& preferred = b.lang[kDefaultLanguage].is_map() ? b.lang[kDefaultLanguage] : first;
    b.title = preferred["TITLE"].to_string();
    b.description = preferred["DESCRIPTION"].to_string();
    return insert_placement(w, b);
  });
  if (!added) throw ApiError(errors::kAlreadyBoundPlacement);
  return Value(true);
}

MethodResult placement_unbind(MethodCall& call) {
  require_admin(call);
  const Value& placement_param = call.param("PLACEMENT");
  if (placement_param.is_array())
    throw ApiError(errors::kArgument, "The value of an argument 'PLACEMENT' must be of type string")
        .with("argument", Value("PLACEMENT"));
  const std::string placement = to_upper(text_param(call, "PLACEMENT"));
  if (placement.empty()) throw argument_empty("PLACEMENT");
  int64_t removed = 0;
  if (is_im_placement(placement)) {
    std::optional<int64_t> user;
    if (!call.param("USER_ID").is_null()) user = call.param("USER_ID").to_int_or(0);
    removed = write_tx(call, [&](Tx& tx) {
      Conn& w = tx.conn;
      return remove_placements(w, call.caller.app_id, placement, text_param(call, "HANDLER"), user);
    });
  }
  // "count": one for each handler found and one more for each removed (reference
  // placement-unbind.md), so a removed handler counts twice.
  return Value::object({{"count", Value(removed * 2)}});
}

MethodResult placement_get(MethodCall& call) {
  require_admin(call);
  Value out = Value::list();
  call.services.store.read([&](Conn& c) {
    for (const PlacementBinding& b : app_placements(c, call.caller.app_id)) {
      Value options = b.options;
      if (options.size() == 0) options = Value::empty_object();
      Value lang = b.lang;
      if (lang.size() == 0) lang = Value::empty_object();
      out.push_back(Value::object({{"placement", Value(b.placement)},
                                   {"userId", Value(b.user_id)},
                                   {"handler", Value(b.handler)},
                                   {"options", std::move(options)},
                                   {"title", Value(b.title)},
                                   {"description", Value(b.description)},
                                   {"langAll", std::move(lang)}}));
    }
  });
  return out;
}

// The IM_* placements live in the global scope; SCOPE names another scope → none of them.
MethodResult placement_list(MethodCall& call) {
  require_application(call);
  const Value& scope = call.param("SCOPE");
  Value out = Value::list();
  if (!scope.is_null() && !scope.to_string().empty() && scope.to_string() != "_global") return out;
  for (const std::string& code : im_placement_codes()) out.push_back(code);
  return out;
}

}  // namespace

void register_placement_methods(Registry& r) {
  const MethodTable table{r, "placement", "api-reference/widgets/"};
  const std::string note = "the IM_* placements of the chat (spec 002 \"Application for New Chat Design\")";
  table.add("placement.bind", Effect::kWrite, placement_bind, "", note);
  table.add("placement.unbind", Effect::kWrite, placement_unbind, "", note);
  table.add("placement.get", Effect::kRead, placement_get, "", note);
  table.add("placement.list", Effect::kRead, placement_list, "", note);
}

}  // namespace imhub
