// imbot.command.register / unregister / update / answer (scope `imbot`). Contract: spec 002
// "Commands"; reference chat-bots/outdated/commands/; the order of checks and the error texts of
// im_rest.php commandRegister/commandUnRegister/commandUpdate/commandAnswer (protocol.md §9.7).
#include "api/bot_access.hpp"
#include "api/common.hpp"
#include "api/handler_rules.hpp"
#include "api/im_common.hpp"
#include "apps/handler_url.hpp"
#include "bots/command.hpp"
#include "bots/command_answer.hpp"
#include "core/error_catalog.hpp"
#include "core/json.hpp"
#include "im/message.hpp"
#include "previews/url_preview.hpp"
#include "text/attach.hpp"
#include "text/keyboard.hpp"
#include "text/menu.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/chat-bots/outdated/commands/";

// PHP's `isset($x) && !empty($x)`: absent, "", "0", [] and null count as not given.
bool given(const Value& v) { return v.is_array() ? v.size() > 0 : v.truthy(); }

// EVENT_COMMAND_ADD, checked like every handler URL (HandlerHelper::checkCallback); a webhook
// bot's handler gets `CLIENT_ID=<id>` appended so events find their owner (§9.5).
std::string command_handler(const MethodCall& call, const Value& param) {
  if (!given(param)) throw ApiError(errors::kHandlerMissing);
  std::string handler = param.to_string();
  switch (check_handler_url(handler, true)) {
    case UrlCheck::kOk:
      break;
    case UrlCheck::kUnsupportedProtocol:
      throw ApiError(errors::kHandlerProtocol);
    case UrlCheck::kWrongUrl:
      throw ApiError(errors::kHandlerWrongUrl);
  }
  if (std::string why = handler_url_refusal(handler, handler_rules(call)); !why.empty())
    throw ApiError(errors::kHandlerWrongUrl, std::string(errors::kHandlerWrongUrl.description) + ": " + why);
  if (call.caller.kind != AuthKind::kOAuth)
    handler += (handler.find('?') == std::string::npos ? "?" : "&") + std::string("CLIENT_ID=") +
               call.param("CLIENT_ID").to_string();
  return handler;
}

int64_t caller_app_id(const MethodCall& call) { return call.caller.kind == AuthKind::kOAuth ? call.caller.app_id : 0; }

// The command a call names by COMMAND_ID, owned by the caller's application.
Command owned_command(Conn& c, const std::string& owner, const Value& id_param) {
  auto cmd = find_command(c, id_param.to_int_or(0));
  if (!cmd) throw ApiError(errors::kCommandNotFound);
  if (cmd->owner != owner) throw ApiError(errors::kCommandOfOtherApp);
  return *cmd;
}

MethodResult command_register(MethodCall& call) {
  const std::string owner = caller_bot_owner(call);
  const std::string handler = command_handler(call, call.param("EVENT_COMMAND_ADD"));
  const std::string name = command_name(call.param("COMMAND").to_string());
  if (!call.param("COMMAND").is_scalar() || name.empty()) throw ApiError(errors::kCommandMissing);
  // BOT_ID is required here: no first-bot default (im_rest.php commandRegister).
  if (call.param("BOT_ID").to_int_or(0) <= 0) throw ApiError(errors::kBotNotFound);
  const Value& lang = call.param("LANG");
  return write_tx(call, [&](Tx& tx) {
    Conn& w = tx.conn;
    const Bot bot = acting_bot(w, call);
    if (!given(lang)) throw ApiError(errors::kLangEmpty);
    // Registering the same command of a bot again returns the first id (Command::register).
    int64_t id = 0;
    if (auto existing = find_bot_command(w, bot.id, name)) {
      id = existing->id;
    } else {
      Command cmd;
      cmd.bot_id = bot.id;
      cmd.command = name;
      cmd.common = call.param("COMMON").to_string() == "Y";
      cmd.hidden = call.param("HIDDEN").to_string() == "Y";
      cmd.extranet_support = call.param("EXTRANET_SUPPORT").to_string() == "Y";
      cmd.handler = handler;
      cmd.lang = normalize_command_lang(lang);
      cmd.owner = owner;
      id = insert_command(tx, cmd);
    }
    set_command_handler(w, owner, caller_app_id(call), handler);
    trust_if_admin(w, call, {handler});
    return Value(id);
  });
}

MethodResult command_unregister(MethodCall& call) {
  const std::string owner = caller_bot_owner(call);
  write_tx(call, [&](Tx& tx) { delete_command(tx, owned_command(tx.conn, owner, call.param("COMMAND_ID"))); });
  return Value(true);
}

MethodResult command_update(MethodCall& call) {
  const std::string owner = caller_bot_owner(call);
  const Value& fields = call.param("FIELDS");
  auto field = [&](std::string_view key) -> const Value& {
    const Value* v = fields.is_map() ? fields.find_ci(key) : nullptr;
    return v ? *v : Value::null_value();
  };
  write_tx(call, [&](Tx& tx) {
    Conn& w = tx.conn;
    Command cmd = owned_command(w, owner, call.param("COMMAND_ID"));
    std::optional<std::string> handler;
    if (given(field("EVENT_COMMAND_ADD"))) handler = command_handler(call, field("EVENT_COMMAND_ADD"));
    bool changed = false;
    if (given(field("COMMAND"))) {
      cmd.command = command_name(field("COMMAND").to_string());
      if (cmd.command.empty()) throw ApiError(errors::kCommandMissing);
      auto clash = find_bot_command(w, cmd.bot_id, cmd.command);
      if (clash && clash->id != cmd.id) throw ApiError(errors::kCannotUpdate);
      changed = true;
    }
    auto flag = [&](std::string_view key, bool& target) {
      if (!given(field(key))) return;
      target = field(key).to_string() == "Y";
      changed = true;
    };
    flag("HIDDEN", cmd.hidden);
    flag("EXTRANET_SUPPORT", cmd.extranet_support);
    flag("COMMON", cmd.common);
    if (given(field("LANG"))) {
      cmd.lang = normalize_command_lang(field("LANG"));
      changed = true;
    }
    if (!changed && !handler) throw ApiError(errors::kUpdateEmpty);
    if (changed) save_command(w, cmd);
    if (handler) {
      set_command_handler(w, owner, caller_app_id(call), *handler);
      trust_if_admin(w, call, {*handler});
    }
  });
  return Value(true);
}

// ATTACH, KEYBOARD and MENU validated as for messages (text/attach, keyboard, menu: protocol.md
// §12.2); keyboard commands and menu items go to the command's bot. Empty or "N" adds nothing.
std::string answer_params(const MethodCall& call, int64_t bot_id) {
  Value params = Value::map();
  auto present = [&](const char* key) -> const Value* {
    const Value& v = call.param(key);
    if (!given(v) || (v.is_scalar() && v.to_string() == "N")) return nullptr;
    return &v;
  };
  if (const Value* v = present("ATTACH")) params["ATTACH"] = normalize_attach(*v);
  if (const Value* v = present("KEYBOARD")) params["KEYBOARD"] = normalize_keyboard(*v, bot_id);
  if (const Value* v = present("MENU")) params["MENU"] = normalize_menu(*v, bot_id);
  return params.size() > 0 ? to_json(params) : "";
}

MethodResult command_answer(MethodCall& call) {
  const std::string owner = caller_bot_owner(call);
  const Value& id_param = call.param("COMMAND_ID");
  const Value& name_param = call.param("COMMAND");
  Command cmd = call.services.store.read_with([&](Conn& c) {
    if (!id_param.is_null()) return owned_command(c, owner, id_param);
    auto found =
        name_param.is_scalar() ? find_owner_command(c, owner, command_name(name_param.to_string())) : std::nullopt;
    if (!found) throw ApiError(errors::kCommandNotFound);
    return *found;
  });
  const int64_t message_id = call.param("MESSAGE_ID").to_int_or(0);
  if (message_id <= 0) throw ApiError(errors::kMessageIdEmptyImbotCommand);
  const Value& text_param = call.param("MESSAGE");
  CommandAnswer answer;
  answer.text = text_param.is_array() ? "" : normalize_message_text(text_param.to_string());
  if (answer.text.empty()) throw ApiError(errors::kMessageEmpty);
  answer.params_json = answer_params(call, cmd.bot_id);
  answer.system = call.param("SYSTEM").to_string() == "Y";
  const int64_t id = write_tx(call, [&](Tx& tx) { return post_command_answer(tx, cmd, message_id, answer); });
  if (id == 0) throw ApiError(errors::kNotAdded);
  enqueue_preview(call, id, answer.text, false);
  return Value(id);
}

}  // namespace

void register_imbot_command_methods(Registry& r) {
  const MethodTable table{r, "imbot", kDoc};
  table.add("imbot.command.register", Effect::kWrite, command_register, "imbot-command-register.md");
  table.add("imbot.command.unregister", Effect::kWrite, command_unregister, "imbot-command-unregister.md");
  table.add("imbot.command.update", Effect::kWrite, command_update, "imbot-command-update.md");
  table.add("imbot.command.answer", Effect::kWrite, command_answer, "imbot-command-answer.md");
}

}  // namespace imhub
