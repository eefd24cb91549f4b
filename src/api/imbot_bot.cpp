// imbot.register, imbot.unregister, imbot.update, imbot.bot.list (scope `imbot`). Contract:
// protocol.md §9.1, §9.5, §9.6; reference chat-bots/outdated/bots/. The rules live in src/bots/.
#include <regex>

#include "api/bot_access.hpp"
#include "api/common.hpp"
#include "api/handler_rules.hpp"
#include "apps/handler_url.hpp"
#include "bots/bot_registry.hpp"
#include "core/error_catalog.hpp"
#include "im/chat.hpp"
#include "im/chat_avatar.hpp"
#include "users/user.hpp"
#include "users/user_cache.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/chat-bots/outdated/";

constexpr std::string_view kWrongHandler = "Wrong handler URL";

// The five handler parameters: their error code, and the text when a required one is missing.
struct HandlerParam {
  const char* name;
  const char* error;
  const char* missing;  // nullptr: optional
  std::string BotHandlers::*field;
};
constexpr HandlerParam kHandlerParams[] = {
    {"EVENT_MESSAGE_ADD", "EVENT_MESSAGE_ADD_ERROR", "Handler for \"Message add\" event isn't specified",
     &BotHandlers::message_add},
    {"EVENT_MESSAGE_UPDATE", "EVENT_MESSAGE_UPDATE_ERROR", nullptr, &BotHandlers::message_update},
    {"EVENT_MESSAGE_DELETE", "EVENT_MESSAGE_DELETE_ERROR", nullptr, &BotHandlers::message_delete},
    {"EVENT_WELCOME_MESSAGE", "EVENT_WELCOME_MESSAGE_ERROR", "Handler for \"Welcome message\" event isn't specified",
     &BotHandlers::welcome},
    {"EVENT_BOT_DELETE", "EVENT_BOT_DELETE_ERROR", "Handler for \"Bot delete\" event isn't specified",
     &BotHandlers::bot_delete},
};

// A key of a parameter map, case-insensitively; null when absent or `map` is not a map.
const Value& field(const Value& map, std::string_view key) {
  const Value* v = map.is_map() ? map.find_ci(key) : nullptr;
  return v ? *v : Value::null_value();
}

std::string text_of(const Value& v) { return v.is_scalar() ? std::string(trim(v.to_string())) : std::string(); }

// The raw CLIENT_ID of a webhook call ("" for an application: the token names it).
std::string webhook_client_id(const MethodCall& call) {
  return call.caller.kind == AuthKind::kOAuth ? std::string() : call.param("CLIENT_ID").to_string();
}

// Handler URLs from `source` (the call's parameters, or FIELDS of imbot.update): EVENT_HANDLER
// fills all five; a webhook's CLIENT_ID is appended (§9.5) before the URL is checked. Single-label
// hosts are accepted (bots run beside imhub); literal loopback and private addresses only under
// the address rules of handler_rules.hpp.
BotHandlers read_handlers(const Value& source, const std::string& client_id, bool required,
                          const HandlerAddressRules& rules) {
  const std::string common = text_of(field(source, "EVENT_HANDLER"));
  BotHandlers h;
  for (const HandlerParam& p : kHandlerParams) {
    std::string url = common.empty() ? text_of(field(source, p.name)) : common;
    if (url.empty()) {
      if (required && p.missing) throw ApiError(p.error, p.missing, 400);
      continue;
    }
    if (!client_id.empty())
      url += std::string(url.find('?') == std::string::npos ? "?" : "&") + "CLIENT_ID=" + client_id;
    if (check_handler_url(url, false) != UrlCheck::kOk) throw ApiError(p.error, std::string(kWrongHandler), 400);
    if (std::string why = handler_url_refusal(url, rules); !why.empty())
      throw ApiError(p.error, std::string(kWrongHandler) + ": " + why, 400);
    h.*p.field = std::move(url);
  }
  return h;
}

std::vector<std::string> handler_urls(const BotHandlers& h) {
  return {h.message_add, h.message_update, h.message_delete, h.welcome, h.bot_delete};
}

bool any_handler(const BotHandlers& h) {
  return !(h.message_add.empty() && h.message_update.empty() && h.message_delete.empty() && h.welcome.empty() &&
           h.bot_delete.empty());
}

std::optional<std::string> given_text(const Value& props, std::string_view key) {
  const Value& v = field(props, key);
  if (v.is_null() || !v.is_scalar()) return std::nullopt;
  return std::string(trim(v.to_string()));
}

// PROPERTIES as the bot's profile. Values the platform would not take (a birthday that is not
// YYYY-MM-DD, a gender other than M/F, an unknown colour, a photo that is no image) are left out,
// as Bitrix24 leaves them out.
BotProfile read_profile(const MethodCall& call, const Value& props) {
  static const std::regex kDate("^[0-9]{4}-[0-9]{2}-[0-9]{2}$");
  BotProfile p;
  p.name = given_text(props, "NAME");
  p.last_name = given_text(props, "LAST_NAME");
  p.email = given_text(props, "EMAIL");
  p.work_position = given_text(props, "WORK_POSITION");
  p.www = given_text(props, "PERSONAL_WWW");
  if (auto birthday = given_text(props, "PERSONAL_BIRTHDAY"); birthday && std::regex_match(*birthday, kDate))
    p.birthday = birthday;
  if (auto gender = given_text(props, "PERSONAL_GENDER")) {
    const std::string g = to_upper(*gender);
    if (g == "M" || g == "F" || g.empty()) p.gender = g;
  }
  if (auto color = given_text(props, "COLOR")) p.color = normalize_color(*color);
  if (const Value& photo = field(props, "PERSONAL_PHOTO"); !photo.is_null()) {
    if (auto image = parse_avatar(photo))
      p.photo_url = store_user_photo(call.services.data_dir, call.services.config.public_url, *image);
  }
  return p;
}

MethodResult bot_register(MethodCall& call) {
  const std::string owner = caller_bot_owner(call);
  const std::string client_id = webhook_client_id(call);
  BotHandlers handlers = read_handlers(call.params, client_id, true, handler_rules(call));
  const std::string code = text_of(call.param("CODE"));
  if (code.empty()) throw ApiError(errors::kCodeError);
  BotRegistration r;
  r.code = code;
  const std::string type = call.param("TYPE").to_string();
  r.type = (type == "O" || type == "B" || type == "H" || type == "S") ? type : "B";
  r.openline = call.param("OPENLINE").to_string() == "Y" || r.type == "O";
  // Edits and deletions reach only supervisors and open-line bots unless imbot.update asks.
  if (!(r.type == "S" || r.type == "O" || r.openline)) {
    handlers.message_update.clear();
    handlers.message_delete.clear();
  }
  r.handlers = std::move(handlers);
  const Value& props = call.param("PROPERTIES");
  auto name = given_text(props, "NAME");
  auto last_name = given_text(props, "LAST_NAME");
  if ((!name || name->empty()) && (!last_name || last_name->empty())) throw ApiError(errors::kNameError);
  r.profile = read_profile(call, props);
  r.app_id = call.caller.kind == AuthKind::kOAuth ? call.caller.app_id : 0;
  r.owner = owner;
  const int max_bots = call.services.config.bots_max_per_app;
  RegisterResult result = write_tx(call, [&](Tx& tx) {
    trust_if_admin(tx.conn, call, handler_urls(r.handlers));
    return register_bot(tx, r, max_bots);
  });
  if (result.status == RegisterStatus::kLimitReached)
    throw ApiError(errors::kMaxCount,
                   "Has reached the maximum number of bots for application (max: " + std::to_string(max_bots) + ")");
  if (result.bot_id <= 0) throw ApiError(errors::kCantCreate);
  return Value(result.bot_id);
}

// The caller's bot named by BOT_ID: BOT_ID_ERROR when unknown, APP_ID_ERROR when another
// application owns it.
Bot owned_bot(Conn& c, const std::string& owner, const MethodCall& call) {
  const int64_t bot_id = call.param("BOT_ID").to_int_or(0);
  auto bot = bot_id > 0 ? find_bot(c, bot_id) : std::nullopt;
  if (!bot) throw ApiError(errors::kBotNotFound);
  if (bot->owner != owner) throw ApiError(errors::kBotOfOtherApp);
  return *bot;
}

MethodResult bot_unregister(MethodCall& call) {
  const std::string owner = caller_bot_owner(call);
  const Cause cause = event_cause(call.caller);
  write_tx(call, [&](Tx& tx) {
    Conn& w = tx.conn;
    const Bot bot = owned_bot(w, owner, call);
    if (!unregister_bot(tx, bot, cause)) throw ApiError(errors::kCantDeleteImbotBot);
  });
  return Value(true);
}

MethodResult bot_update(MethodCall& call) {
  const std::string owner = caller_bot_owner(call);
  // Ownership is checked before the fields, as the platform does.
  call.services.store.read([&](Conn& c) { owned_bot(c, owner, call); });
  const Value& fields = call.param("FIELDS");
  BotUpdate u;
  u.handlers = read_handlers(fields, webhook_client_id(call), false, handler_rules(call));
  if (auto code = given_text(fields, "CODE"); code && !code->empty()) u.code = code;
  // The quirk of im_rest.php botUpdate: FIELDS.TYPE is taken only when the top-level TYPE is
  // O, B or H.
  const std::string outer_type = call.param("TYPE").to_string();
  if (auto type = given_text(fields, "TYPE"); type && (*type == "B" || *type == "H" || *type == "O" || *type == "S") &&
                                              (outer_type == "O" || outer_type == "B" || outer_type == "H"))
    u.type = type;
  if (auto openline = given_text(fields, "OPENLINE"); openline && !openline->empty()) u.openline = *openline == "Y";
  const Value& props = field(fields, "PROPERTIES");
  auto name = given_text(props, "NAME");
  auto last_name = given_text(props, "LAST_NAME");
  if (name && name->empty() && last_name && last_name->empty()) throw ApiError(errors::kNameError);
  u.profile = read_profile(call, props);
  if (u.profile.name && u.profile.name->empty()) u.profile.name.reset();  // an empty NAME is ignored
  const BotProfile& p = u.profile;
  const bool profile_given =
      p.name || p.last_name || p.email || p.birthday || p.work_position || p.www || p.gender || p.color || p.photo_url;
  if (!u.code && !u.type && !u.openline && !profile_given && !any_handler(u.handlers))
    throw ApiError(errors::kUpdateEmpty);
  write_tx(call, [&](Tx& tx) {
    Conn& w = tx.conn;
    const Bot bot = owned_bot(w, owner, call);
    if (!update_bot(w, bot, u)) throw ApiError(errors::kCantUpdate);
    trust_if_admin(w, call, handler_urls(u.handlers));
  });
  return Value(true);
}

MethodResult bot_list(MethodCall& call) {
  if (call.caller.kind == AuthKind::kSession) throw ApiError(errors::kWrongAuthTypeImNotify);
  Value out = Value::map();
  call.services.store.read([&](Conn& c) {
    for (const Bot& b : all_bots(c)) {
      auto user = call.services.users->find(b.id);
      out[std::to_string(b.id)] = Value::object({{"ID", Value(b.id)},
                                                 {"NAME", Value(user ? user->full_name() : std::string())},
                                                 {"CODE", Value(b.code)},
                                                 {"OPENLINE", Value(b.openline ? "Y" : "N")}});
    }
  });
  return out;
}

}  // namespace

void register_imbot_bot_methods(Registry& r) {
  const MethodTable table{r, "imbot", kDoc};
  table.add("imbot.register", Effect::kWrite, bot_register, "bots/imbot-register.md");
  table.add("imbot.unregister", Effect::kWrite, bot_unregister, "bots/imbot-unregister.md");
  table.add("imbot.update", Effect::kWrite, bot_update, "bots/imbot-update.md");
  table.add("imbot.bot.list", Effect::kRead, bot_list, "bots/imbot-bot-list.md");
  register_imbot_message_methods(r);
}

}  // namespace imhub
