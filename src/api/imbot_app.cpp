// Chat apps: imbot.app.register / unregister / update (scope `imbot`) and imhub.messenger.app.launch
// (scope `im`, imhub's own), the endpoint the browser client calls to open an IFRAME app. Contract: spec 002
// "Application for Chat"; reference chats/outdated/ (create-app/, iframe.md, context.md); the
// checks and texts of im_rest.php appRegister/appUnRegister/appUpdate.
#include <functional>

#include "api/bot_access.hpp"
#include "api/common.hpp"
#include "api/dialog_context.hpp"
#include "api/frame_auth.hpp"
#include "api/im_common.hpp"
#include "bots/chat_app.hpp"
#include "bots/chat_app_launch.hpp"
#include "core/crypto.hpp"
#include "core/error_catalog.hpp"
#include "im/chat_avatar.hpp"
#include "im/message.hpp"
#include "users/user.hpp"
#include "users/user_cache.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/chats/outdated/create-app/";

// imhub.messenger.app.launch.

bool given(const Value& v) { return v.is_array() ? v.size() > 0 : v.truthy(); }
bool yes(const Value& v) { return v.to_string() == "Y"; }

// A parameter of the call (register) or of its FIELDS (update).
using Field = std::function<const Value&(std::string_view)>;

// JS_METHOD + JS_PARAM when they make a JS command; nullopt otherwise (an unknown method or a
// parameter off the pattern is ignored, as the platform does).
std::optional<std::pair<std::string, std::string>> js_command(const Field& field) {
  const std::string method = field("JS_METHOD").to_string();
  if (!given(field("JS_PARAM"))) return std::nullopt;
  auto param = js_param_for(method, field("JS_PARAM").to_string());
  if (!param) return std::nullopt;
  return std::make_pair(method, *param);
}

std::string checked_iframe(const MethodCall& call, const Value& v) {
  std::string url = v.to_string();
  if (!iframe_url_ok(url, call.services.config.chat_apps_allow_http_iframe)) throw ApiError(errors::kIframeHttps);
  return url;
}

std::string checked_context(const Value& v) {
  auto context = normalize_app_context(v.to_string());
  if (!context) throw ApiError(errors::kBadContext);
  return *context;
}

// ICON_FILE: a base64 PNG/JPEG/GIF stored like avatars; anything else leaves no icon (platform).
std::string stored_icon(const MethodCall& call, const Value& v) {
  auto image = parse_avatar(v);
  if (!image) return "";
  const std::string name = "chatapp-" + sha256_hex(image->bytes).substr(0, 16) + "." + image->info.ext;
  return store_image(call.services.data_dir, call.services.config.public_url, name, *image);
}

ChatApp owned_app(Conn& c, const std::string& owner, const Value& id) {
  auto app = find_chat_app(c, id.to_int_or(0));
  if (!app) throw ApiError(errors::kAppNotFound);
  if (app->owner != owner) throw ApiError(errors::kAppOfOtherApp);
  return *app;
}

MethodResult app_register(MethodCall& call) {
  const std::string owner = caller_bot_owner(call);
  const Field field = [&](std::string_view key) -> const Value& { return call.param(key); };
  ChatApp app;
  app.owner = owner;
  app.code = std::string(trim(call.param("CODE").to_string()));
  if (!call.param("CODE").is_scalar() || app.code.empty()) throw ApiError(errors::kCodeMissing);
  if (auto js = js_command(field)) {
    app.js_method = js->first;
    app.js_param = js->second;
  } else if (given(call.param("IFRAME"))) {
    app.iframe = checked_iframe(call, call.param("IFRAME"));
    if (!call.param("IFRAME_WIDTH").is_null())
      app.iframe_width = static_cast<int>(std::max<int64_t>(call.param("IFRAME_WIDTH").to_int_or(0), kMinIframeWidth));
    if (!call.param("IFRAME_HEIGHT").is_null())
      app.iframe_height =
          static_cast<int>(std::max<int64_t>(call.param("IFRAME_HEIGHT").to_int_or(0), kMinIframeHeight));
    app.iframe_popup = yes(call.param("IFRAME_POPUP"));
    if (!given(call.param("HASH"))) throw ApiError(errors::kHashEmpty);
    app.hash = call.param("HASH").to_string().substr(0, kChatAppHashChars);
  } else {
    throw ApiError(errors::kNoKind);
  }
  app.context = given(call.param("CONTEXT")) ? checked_context(call.param("CONTEXT")) : "all";
  app.hidden = yes(call.param("HIDDEN"));
  app.extranet_support = yes(call.param("EXTRANET_SUPPORT"));
  app.livechat_support = yes(call.param("LIVECHAT_SUPPORT"));
  // BOT_ID is required here: no first-bot default (im_rest.php appRegister).
  if (call.param("BOT_ID").to_int_or(0) <= 0) throw ApiError(errors::kBotNotFound);
  app.bot_id = call.services.store.read_with([&](Conn& c) { return acting_bot(c, call).id; });
  if (!given(call.param("LANG"))) throw ApiError(errors::kLangEmpty);
  app.lang = normalize_app_lang(call.param("LANG"));
  // Registering a bot's code again returns the first id (Bitrix\Im\App::register).
  if (auto existing =
          call.services.store.read_with([&](Conn& c) { return find_bot_chat_app(c, app.bot_id, app.code); }))
    return Value(existing->id);
  app.icon = stored_icon(call, call.param("ICON_FILE"));
  return write_tx(call, [&](Tx& tx) {
    Conn& w = tx.conn;
    if (auto raced = find_bot_chat_app(w, app.bot_id, app.code)) return Value(raced->id);
    return Value(insert_chat_app(tx, app));
  });
}

MethodResult app_unregister(MethodCall& call) {
  const std::string owner = caller_bot_owner(call);
  write_tx(call, [&](Tx& tx) { delete_chat_app(tx, owned_app(tx.conn, owner, call.param("APP_ID"))); });
  return Value(true);
}

MethodResult app_update(MethodCall& call) {
  const std::string owner = caller_bot_owner(call);
  call.services.store.read([&](Conn& c) { owned_app(c, owner, call.param("APP_ID")); });
  const Value& fields = call.param("FIELDS");
  const Field field = [&](std::string_view key) -> const Value& {
    const Value* v = fields.is_map() ? fields.find_ci(key) : nullptr;
    return v ? *v : Value::null_value();
  };
  // Everything is checked and the icon stored before the row is rewritten.
  std::optional<std::string> context, hash, iframe, icon;
  auto js = js_command(field);
  if (given(field("CONTEXT"))) context = checked_context(field("CONTEXT"));
  if (given(field("HASH"))) hash = field("HASH").to_string().substr(0, kChatAppHashChars);
  if (!js && given(field("IFRAME"))) iframe = checked_iframe(call, field("IFRAME"));
  if (!field("ICON_FILE").is_null()) {
    std::string url = stored_icon(call, field("ICON_FILE"));
    if (!url.empty()) icon = url;
  }
  write_tx(call, [&](Tx& tx) {
    Conn& w = tx.conn;
    ChatApp app = owned_app(w, owner, call.param("APP_ID"));
    if (context) app.context = *context;
    if (hash) app.hash = *hash;
    // "If JS and IFRAME methods are called in one command, only JS method will be used."
    if (js) {
      app.js_method = js->first;
      app.js_param = js->second;
      app.iframe.clear();
    } else if (iframe) {
      app.iframe = *iframe;
      app.js_method.clear();
      app.js_param.clear();
    }
    if (!field("IFRAME_WIDTH").is_null())
      app.iframe_width = static_cast<int>(std::max<int64_t>(field("IFRAME_WIDTH").to_int_or(0), kMinIframeWidth));
    if (!field("IFRAME_HEIGHT").is_null())
      app.iframe_height = static_cast<int>(std::max<int64_t>(field("IFRAME_HEIGHT").to_int_or(0), kMinIframeHeight));
    if (given(field("IFRAME_POPUP"))) app.iframe_popup = yes(field("IFRAME_POPUP"));
    if (given(field("HIDDEN"))) app.hidden = yes(field("HIDDEN"));
    if (given(field("EXTRANET_SUPPORT"))) app.extranet_support = yes(field("EXTRANET_SUPPORT"));
    if (given(field("LIVECHAT_SUPPORT"))) app.livechat_support = yes(field("LIVECHAT_SUPPORT"));
    if (given(field("LANG"))) app.lang = normalize_app_lang(field("LANG"));
    if (icon) app.icon = *icon;
    save_chat_app(w, app);
  });
  return Value(true);
}

// --- imhub.messenger.app.launch

// "https://host:port" of the public URL: what DOMAIN carries.
std::string portal_origin(const std::string& public_url) {
  const size_t scheme = public_url.find("//");
  if (scheme == std::string::npos) return public_url;
  const size_t path = public_url.find('/', scheme + 2);
  return path == std::string::npos ? public_url : public_url.substr(0, path);
}

// The button or menu item of `message` that opens `app_id`: its APP_PARAMS.
std::optional<std::string> button_params_of(const Message& m, int64_t app_id) {
  if (!m.params.is_map()) return std::nullopt;
  for (const char* key : {"KEYBOARD", "MENU"}) {
    const Value& items = m.params[key];
    for (const Value* b : (items.is_map() && items.find("BUTTONS") ? items["BUTTONS"] : items).elements())
      if (b->is_map() && (*b)["APP_ID"].to_int_or(0) == app_id) return (*b)["APP_PARAMS"].to_string();
  }
  return std::nullopt;
}

// An app the caller may open in DIALOG_ID (and MESSAGE_ID in context mode), with what its launch
// parameters need; `bot_app_id` is the application owning its bot (0 for a webhook bot).
struct Launch {
  ChatApp app;
  LaunchContext ctx;
  int64_t bot_app_id = 0;
};

Launch launchable(MethodCall& call) {
  auto app =
      call.services.store.read_with([&](Conn& c) { return find_chat_app(c, call.param("APP_ID").to_int_or(0)); });
  if (!app) throw ApiError(errors::kAppNotFound);
  auto d = parse_dialog_id(call.param("DIALOG_ID").to_string());
  if (!d) throw ApiError(errors::kDialogIdEmpty);
  const int64_t message_id = call.param("MESSAGE_ID").to_int_or(0);
  LaunchContext ctx;
  int64_t bot_app_id = 0;
  call.services.store.read([&](Conn& c) {
    const DialogContext dialog = open_dialog_context(c, call, *d);
    if (message_id > 0) {
      // Context mode: the app opens from a button of a message in this dialog, whatever its
      // CONTEXT and even when hidden (reference chats/outdated/context.md).
      auto m = find_message(c, message_id);
      auto params = m && !m->deleted && dialog.chat && m->chat_id == dialog.chat->id ? button_params_of(*m, app->id)
                                                                                     : std::nullopt;
      if (!params) throw ApiError(errors::kNoButton);
      ctx.message_id = message_id;
      ctx.button_params = *params;
    } else if (app->hidden || !app_fits_dialog(*app, dialog, call.caller.is_admin)) {
      throw ApiError(errors::kNotHere);
    }
    if (auto bot = find_bot(c, app->bot_id)) {
      ctx.bot_code = bot->code;
      bot_app_id = bot->app_id;
    }
    ctx.dialog_context = dialog.context;
    if (dialog.chat && d->is_chat) ctx.dialog_entity_id = dialog.chat->entity_id;
  });
  ctx.bot_id = app->bot_id;
  ctx.domain = portal_origin(call.services.config.public_url);
  ctx.user_id = call.caller.user_id;
  ctx.dialog_id = d->is_chat ? "chat" + std::to_string(d->id) : std::to_string(d->id);
  const std::string lang = to_lower(trim(call.param("LANG").to_string()));
  if (!lang.empty()) ctx.lang = lang;
  ctx.is_chrome = yes(call.param("IS_CHROME"));
  return Launch{std::move(*app), std::move(ctx), bot_app_id};
}

MethodResult app_launch(MethodCall& call) {
  const Launch l = launchable(call);
  const ChatApp& app = l.app;
  if (app.iframe.empty())
    return Value::object(
        {{"type", Value("js")}, {"js_method", Value(app.js_method)}, {"js_param", Value(app.js_param)}});
  Value params = launch_params(app, l.ctx);
  Value out = Value::object({{"type", Value("iframe")},
                             {"url", Value(launch_url(app.iframe, params))},
                             {"width", Value(int64_t{app.iframe_width})},
                             {"height", Value(int64_t{app.iframe_height})},
                             // In context mode IFRAME_POPUP is ignored (spec 002).
                             {"popup", Value(app.iframe_popup && l.ctx.message_id <= 0)}});
  out["params"] = std::move(params);
  return out;
}

// --- imhub.messenger.app.auth

// imhub's own: the OAuth tokens of the application whose bot owns an IFRAME chat app, so a page
// built on B24Frame works as a chat app too (the messenger names the frame as for placements).
// Checked as imhub.messenger.app.launch checks the launch; browser sessions only.
MethodResult app_auth(MethodCall& call) {
  require_frame_session(call);
  const Launch l = launchable(call);
  if (l.app.iframe.empty() || l.bot_app_id <= 0) throw ApiError(errors::kFrameAppNotInstalled);
  Value out = frame_auth(call, l.bot_app_id);
  out["app_id"] = l.bot_app_id;
  out["chat_app_id"] = l.app.id;
  return out;
}

}  // namespace

void register_imbot_app_methods(Registry& r) {
  const MethodTable table{r, "imbot", kDoc};
  table.add("imbot.app.register", Effect::kWrite, app_register, "imbot-app-register.md");
  table.add("imbot.app.unregister", Effect::kWrite, app_unregister, "imbot-app-unregister.md");
  table.add("imbot.app.update", Effect::kWrite, app_update, "imbot-app-update.md");
  // imhub's own (Bitrix24's messenger computes them in the page): the launch parameters the
  // reference's IFRAME page (chats/outdated/iframe.md) describes.
  const ExtensionTable launch{r, "im", "docs/operations.md#chat-apps-and-the-launch-endpoint"};
  launch.add("imhub.messenger.app.launch", Effect::kRead, app_launch,
             "the IFRAME launch parameters of a chat app (reference chats/outdated/iframe.md) for the browser client");
  const ExtensionTable messenger{r, "im", kMessengerDoc};
  messenger.add("imhub.messenger.app.auth", Effect::kRead, app_auth,
                "browser sessions only; the OAuth tokens an IFRAME chat app's frame opens with", Audience::kSessions);
}

}  // namespace imhub
