// What the messenger offers in a dialog beyond messages, for the browser client (issue 13): the
// chat apps of its message panel (imhub.messenger.app.list), the bot commands its "/" hints list
// (imhub.messenger.command.list), the IM_* placements (imhub.messenger.placement.list) and the
// OAuth tokens a placement frame is opened with (imhub.messenger.placement.auth). Bitrix24 hands
// these to its own messenger with the page; imhub has no server-rendered page, so they are REST
// methods, imhub's own and named so (Bitrix24 has no such im.* methods). docs/operations.md "The
// messenger's extensions".
#include "api/common.hpp"
#include "api/dialog_context.hpp"
#include "api/frame_auth.hpp"
#include "apps/application.hpp"
#include "apps/oauth_server.hpp"
#include "bots/bot_command_events.hpp"
#include "bots/command.hpp"
#include "bots/placement.hpp"
#include "core/error_catalog.hpp"
#include "core/json.hpp"
#include "users/options.hpp"
#include "users/user_cache.hpp"

namespace imhub {
namespace {

constexpr const char* kDefaultLanguage = "en";

std::string language(const MethodCall& call) {
  std::string lang = to_lower(std::string(trim(call.param("LANG").to_string())));
  return lang.empty() ? kDefaultLanguage : lang;
}

// The entry of a LANG list ([{LANGUAGE_ID, …}]) for `lang`, else English, else the first.
Value lang_entry(const Value& list, const std::string& lang) {
  const std::vector<const Value*> entries = list.elements();
  for (const std::string& want : {lang, std::string(kDefaultLanguage)})
    for (const Value* e : entries)
      if (e->is_map() && to_lower((*e)["LANGUAGE_ID"].to_string()) == want) return *e;
  return entries.empty() ? Value::map() : *entries.front();
}

DialogContext dialog_param(Conn& c, const MethodCall& call) {
  auto d = parse_dialog_id(call.param("DIALOG_ID").to_string());
  if (!d) throw ApiError(errors::kDialogIdEmpty);
  return open_dialog_context(c, call, *d);
}

bool caller_is_extranet(const MethodCall& call) {
  auto me = call.services.users->find(call.caller.user_id);
  return me && me->user_type == "extranet";
}

// --- imhub.messenger.app.list

MethodResult app_list(MethodCall& call) {
  const std::string lang = language(call);
  const bool extranet = caller_is_extranet(call);
  Value out = Value::list();
  call.services.store.read([&](Conn& c) {
    const DialogContext dialog = dialog_param(c, call);
    for (const ChatApp& app : all_chat_apps(c)) {
      if (app.hidden || (extranet && !app.extranet_support)) continue;
      if (!app_fits_dialog(app, dialog, call.caller.is_admin)) continue;
      const Value text = lang_entry(app.lang, lang);
      const bool iframe = !app.iframe.empty();
      Value item = Value::object({{"id", Value(app.id)},
                                  {"code", Value(app.code)},
                                  {"bot_id", Value(app.bot_id)},
                                  {"type", Value(iframe ? "iframe" : "js")},
                                  {"title", Value(text["TITLE"].to_string())},
                                  {"description", Value(text["DESCRIPTION"].to_string())},
                                  {"copyright", Value(text["COPYRIGHT"].to_string())},
                                  {"icon", Value(app.icon)},
                                  {"context", Value(app.context)}});
      if (iframe) {
        item["width"] = int64_t{app.iframe_width};
        item["height"] = int64_t{app.iframe_height};
        item["popup"] = app.iframe_popup;
      } else {
        item["js_method"] = app.js_method;
        item["js_param"] = app.js_param;
      }
      out.push_back(std::move(item));
    }
  });
  return out;
}

// --- imhub.messenger.command.list

MethodResult command_list(MethodCall& call) {
  const std::string lang = language(call);
  const bool extranet = caller_is_extranet(call);
  Value out = Value::list();
  call.services.store.read([&](Conn& c) {
    const DialogContext dialog = dialog_param(c, call);
    // A private dialog without messages has no chat row yet: it is private all the same.
    Chat chat = dialog.chat.value_or(Chat{});
    if (!dialog.chat) chat.type = "P";
    std::vector<Command> candidates = common_commands(c);
    for (const Bot& bot : dialog.bots)
      for (Command& cmd : commands_of_bot(c, bot.id))
        if (!cmd.common) candidates.push_back(std::move(cmd));
    for (const Command& cmd : candidates) {
      if (cmd.hidden) continue;
      auto bot = find_bot(c, cmd.bot_id);
      if (!bot || !command_reaches(cmd, *bot, chat, dialog.peer, dialog.bots, extranet)) continue;
      const Value text = lang_entry(cmd.lang, lang);
      out.push_back(Value::object({{"id", Value(cmd.id)},
                                   {"bot_id", Value(cmd.bot_id)},
                                   {"command", Value(cmd.command)},
                                   {"title", Value(text["TITLE"].to_string())},
                                   {"params", Value(text["PARAMS"].to_string())},
                                   {"common", Value(cmd.common)}}));
    }
  });
  return out;
}

// --- imhub.messenger.placement.list / imhub.messenger.placement.auth

std::string option(const PlacementBinding& b, std::string_view name) {
  const Value* v = b.options.is_map() ? b.options.find(name) : nullptr;
  return v && v->is_scalar() ? v->to_string() : "";
}

// Whether the caller may see and open the binding at all: an installed application, the role
// and extranet options, and (for user-mode bindings) the user it was bound for.
bool binding_visible(const MethodCall& call, const PlacementBinding& b, const App* app, bool extranet) {
  if (!app || !app->usable()) return false;
  if (b.user_id > 0 && b.user_id != call.caller.user_id) return false;
  if (to_upper(option(b, "role")) == "ADMIN" && !call.caller.is_admin) return false;
  if (extranet && to_upper(option(b, "extranet")) != "Y") return false;
  return true;
}

MethodResult placement_list(MethodCall& call) {
  const std::string lang = language(call);
  const bool extranet = caller_is_extranet(call);
  const std::string only = to_upper(std::string(trim(call.param("PLACEMENT").to_string())));
  const bool for_dialog = !call.param("DIALOG_ID").is_null() && !call.param("DIALOG_ID").to_string().empty();
  Value out = Value::list();
  call.services.store.read([&](Conn& c) {
    std::optional<DialogContext> dialog;
    if (for_dialog) dialog = dialog_param(c, call);
    for (const PlacementBinding& b : all_placements(c)) {
      if (!only.empty() && b.placement != only) continue;
      auto app = find_app(c, b.app_id);
      if (!binding_visible(call, b, app ? &*app : nullptr, extranet)) continue;
      // IM_NAVIGATION has no chat context and is listed for every dialog.
      if (dialog && b.placement != "IM_NAVIGATION" && !placement_fits_dialog(option(b, "context"), *dialog)) continue;
      const Value& text = b.lang[lang].is_map() ? b.lang[lang] : Value::null_value();
      const std::string title =
          text.is_map() && !text["TITLE"].to_string().empty() ? text["TITLE"].to_string() : b.title;
      Value options = b.options.size() > 0 ? b.options : Value::empty_object();
      out.push_back(Value::object({{"id", Value(b.id)},
                                   {"app_id", Value(b.app_id)},
                                   {"app_name", Value(app->name)},
                                   {"placement", Value(b.placement)},
                                   {"handler", Value(b.handler)},
                                   {"title", Value(title)},
                                   {"description", Value(text.is_map() ? text["DESCRIPTION"].to_string() : "")},
                                   {"options", std::move(options)}}));
    }
  });
  return out;
}

Value decoded_options(const std::vector<std::pair<std::string, std::string>>& stored) {
  Value out = Value::empty_object();
  for (const auto& [name, text] : stored) {
    auto v = parse_json(text);
    out[name] = v ? std::move(*v) : Value(text);
  }
  return out;
}

// The tokens of the binding's application for the signed-in user, and what getInitData needs
// beside them.
MethodResult placement_auth(MethodCall& call) {
  require_frame_session(call);
  const int64_t id = call.param("PLACEMENT_ID").to_int_or(0);
  const bool extranet = caller_is_extranet(call);
  auto binding = call.services.store.read_with([&](Conn& c) -> std::optional<PlacementBinding> {
    auto b = id > 0 ? find_placement(c, id) : std::nullopt;
    auto app = b ? find_app(c, b->app_id) : std::nullopt;
    if (!b || !binding_visible(call, *b, app ? &*app : nullptr, extranet)) return std::nullopt;
    return b;
  });
  if (!binding) throw ApiError(errors::kPlacementNotFound);
  Value out = frame_auth(call, binding->app_id);
  out["app_id"] = binding->app_id;
  out["placement"] = binding->placement;
  out["handler"] = binding->handler;
  return out;
}

}  // namespace

void require_frame_session(const MethodCall& call) {
  if (!admits(Audience::kSessions, call.caller)) throw ApiError(errors::kFrameAuthSessionOnly);
}

Value frame_auth(const MethodCall& call, int64_t app_id) {
  require_frame_session(call);
  if (!call.services.oauth) throw ApiError(errors::kInternal);
  const std::string owner = "app:" + std::to_string(app_id);
  Value user_opts, app_opts;
  call.services.store.read([&](Conn& c) {
    user_opts = decoded_options(user_options(c, owner, call.caller.user_id));
    app_opts = decoded_options(app_options(c, owner));
  });
  Value out = call.services.oauth->token_map(app_id, call.caller.user_id, true);
  // The no-user form (no access_token): uninstalled, inactive, or the user cannot sign in.
  if (!out.find("access_token")) throw ApiError(errors::kFrameAppNotInstalled);
  out.get_map().erase("application_token");
  out["is_admin"] = call.caller.is_admin;
  out["user_options"] = std::move(user_opts);
  out["app_options"] = std::move(app_opts);
  return out;
}

void register_im_extension_methods(Registry& r) {
  const ExtensionTable table{r, "im", kMessengerDoc};
  table.add("imhub.messenger.app.list", Effect::kRead, app_list,
            "the chat apps of a dialog's message panel for the browser client");
  table.add("imhub.messenger.command.list", Effect::kRead, command_list,
            "the bot commands a dialog's \"/\" hints offer");
  table.add("imhub.messenger.placement.list", Effect::kRead, placement_list,
            "the IM_* placements the signed-in user sees");
  table.add("imhub.messenger.placement.auth", Effect::kRead, placement_auth,
            "browser sessions only; the OAuth tokens a placement frame opens with", Audience::kSessions);
}

}  // namespace imhub
