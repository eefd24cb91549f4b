// imconnector.* (scopes `imopenlines` or `imconnector`; application context only, else 403
// WRONG_AUTH_TYPE). Contract: protocol-openlines.md §7; reference imopenlines/imconnector/.
// Connectors, their lines and external ids are openlines/connector.hpp; a client's message enters
// its line through openlines/session_flow.hpp (chat, session, then the message as the client).
#include <cctype>

#include "api/common.hpp"
#include "core/error_catalog.hpp"
#include "im/message_actions.hpp"
#include "im/message_post.hpp"
#include "openlines/connector.hpp"
#include "openlines/session_flow.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/imopenlines/imconnector/";

void require_app(const MethodCall& call) {
  if (call.caller.kind != AuthKind::kOAuth) throw ApiError(errors::kIcAppContext);
}

bool given(const Value& v) {
  if (v.is_null()) return false;
  if (v.is_string()) return !trim(v.get_string()).empty();
  if (v.is_array()) return v.size() > 0;
  return true;
}

ApiError argument_empty(std::string_view name) {
  return ApiError(errors::kArgument, "Argument '" + std::string(name) + "' is null or empty")
      .with("argument", Value(name));
}

// A required argument's value (ERROR_ARGUMENT when missing or empty).
const Value& required(const MethodCall& call, std::string_view name) {
  const Value& v = call.param(name);
  if (!given(v)) throw argument_empty(name);
  return v;
}

std::string connector_param(const MethodCall& call) { return to_lower(trim(required(call, "CONNECTOR").to_string())); }

int64_t line_param(const MethodCall& call) { return required(call, "LINE").to_int_or(0); }

// {result: false, error, error_description}: register and unregister answer their errors with
// HTTP 200 (reference imconnector-register.md).
Value soft_error(const ErrorSpec& e) {
  return Value::object({{"result", Value(false)},
                        {"error", Value(std::string(e.code))},
                        {"error_description", Value(std::string(e.description))}});
}

// The calling application's connector; IMCONNECTOR_NO_CORRECT_PROVIDER for an unknown one or one
// another application registered.
Connector own_connector(const MethodCall& call, Conn& c, const std::string& id) {
  auto connector = find_connector(c, id);
  if (!connector || connector->app_id != call.caller.app_id) throw ApiError(errors::kIcNoProvider);
  return *connector;
}

MethodResult connector_register(MethodCall& call) {
  require_app(call);
  const Value& id_value = call.param("ID");
  if (!id_value.is_scalar() || trim(id_value.to_string()).empty()) return Value(soft_error(errors::kIcIdRequired));
  const std::string id = to_lower(trim(id_value.to_string()));
  if (id.find('.') != std::string::npos) return Value(soft_error(errors::kIcIdWithPoint));
  for (char ch : id)
    if (!(std::isalnum(static_cast<unsigned char>(ch)) || ch == '_' || ch == '-'))
      return Value(soft_error(errors::kIcGeneralRegistrationError));
  const Value& name = call.param("NAME");
  if (!name.is_scalar() || trim(name.to_string()).empty()) return Value(soft_error(errors::kIcNameRequired));
  const Value& icon = call.param("ICON");
  const Value* image = icon.is_map() ? icon.find_ci("DATA_IMAGE") : nullptr;
  if (!image || !image->is_string() || image->get_string().empty()) return Value(soft_error(errors::kIcIconRequired));
  const Value& placement = call.param("PLACEMENT_HANDLER");
  if (!placement.is_scalar() || trim(placement.to_string()).empty())
    return Value(soft_error(errors::kIcNoPlacementHandler));
  Connector connector;
  connector.id = id;
  connector.app_id = call.caller.app_id;
  connector.name = std::string(trim(name.to_string()));
  connector.settings["ICON"] = icon;
  if (const Value& disabled = call.param("ICON_DISABLED"); disabled.is_map())
    connector.settings["ICON_DISABLED"] = disabled;
  connector.settings["PLACEMENT_HANDLER"] = placement.to_string();
  for (const char* flag : {"DEL_EXTERNAL_MESSAGES", "EDIT_INTERNAL_MESSAGES", "DEL_INTERNAL_MESSAGES", "NEWSLETTER",
                           "NEED_SYSTEM_MESSAGES", "NEED_SIGNATURE", "CHAT_GROUP"})
    if (const Value& v = call.param(flag); v.is_scalar()) connector.settings[flag] = v;
  const bool saved = write_tx(call, [&](Tx& tx) { return save_connector(tx.conn, connector); });
  if (!saved) return Value(soft_error(errors::kIcRegistrationError));
  return Value::object({{"result", Value(true)}});
}

MethodResult connector_unregister(MethodCall& call) {
  require_app(call);
  const std::string id = to_lower(trim(call.param("ID").to_string()));
  const bool removed = write_tx(call, [&](Tx& tx) { return remove_connector(tx.conn, id, call.caller.app_id); });
  if (!removed) return Value(soft_error(errors::kIcUnregistrationError));
  return Value::object({{"result", Value(true)}});
}

MethodResult connector_list(MethodCall& call) {
  require_app(call);
  if (!call.caller.is_admin) throw ApiError(errors::kIcListAccess);
  return call.services.store.read_with([&](Conn& c) {
    Value out = Value::empty_object();
    for (const Connector& connector : all_connectors(c)) out[connector.id] = connector.name;
    return out;
  });
}

// ACTIVE: on unless empty, 0, N or false (reference imconnector-activate.md).
bool active_value(const Value& v) {
  const std::string s = to_upper(trim(v.to_string()));
  return !(s.empty() || s == "0" || s == "N" || s == "FALSE");
}

MethodResult connector_activate(MethodCall& call) {
  require_app(call);
  const std::string id = connector_param(call);
  const int64_t line_id = line_param(call);
  const Value& active = call.param("ACTIVE");
  if (active.is_null() || (active.is_string() && active.get_string().empty())) throw argument_empty("ACTIVE");
  const bool on = active_value(active);
  write_tx(call, [&](Tx& tx) {
    own_connector(call, tx.conn, id);
    if (!find_line(tx.conn, line_id)) throw ApiError(errors::kIcNotActiveLine);
    const bool was = connector_line(tx.conn, id, line_id).active;
    set_connector_active(tx.conn, id, line_id, on);
    // A connector switched off on a line: its application hears ONIMCONNECTORSTATUSDELETE.
    if (was && !on)
      raise_connector_event(tx.conn, tx.cause(), id, "ONIMCONNECTORSTATUSDELETE",
                            Value::object({{"connector", Value(id)}, {"line", Value(line_id)}}), 0);
  });
  return Value(true);
}

MethodResult connector_status(MethodCall& call) {
  require_app(call);
  const std::string id = connector_param(call);
  const int64_t line_id = call.param("LINE").to_int_or(0);
  return call.services.store.read_with([&](Conn& c) {
    own_connector(call, c, id);
    const ConnectorLine cl = connector_line(c, id, line_id);
    const bool on = cl.active && find_line(c, line_id).has_value();
    return Value::object({{"LINE", Value(line_id)},
                          {"CONNECTOR", Value(id)},
                          {"ERROR", Value(false)},
                          {"CONFIGURED", Value(on)},
                          {"STATUS", Value(on)}});
  });
}

MethodResult connector_data_set(MethodCall& call) {
  require_app(call);
  const std::string id = connector_param(call);
  const int64_t line_id = line_param(call);
  const Value& data = required(call, "DATA");
  Value stored = Value::map();
  if (data.is_map())
    for (const char* key : {"ID", "URL", "URL_IM", "NAME"})
      if (const Value* v = data.find_ci(key); v && v->is_scalar()) stored[key] = v->to_string();
  write_tx(call, [&](Tx& tx) {
    own_connector(call, tx.conn, id);
    if (!find_line(tx.conn, line_id)) throw ApiError(errors::kIcNotActiveLine);
    set_connector_data(tx.conn, id, line_id, stored);
  });
  return Value(true);
}

// --- Messages

// MESSAGES checked as the platform checks it (reference imconnector-send-messages.md errors).
std::vector<const Value*> messages_param(const MethodCall& call, bool need_parts) {
  const Value& messages = call.param("MESSAGES");
  if (!given(messages)) throw argument_empty("MESSAGES");
  if (!messages.is_array())
    throw ApiError(errors::kArgument, "The value of an argument 'MESSAGES' must be of type array")
        .with("argument", Value("MESSAGES"));
  std::vector<const Value*> out;
  for (const Value* m : messages.elements()) {
    if (!m->is_map())
      throw ApiError(errors::kArgument, "The MESSAGES parameter must be an array of messages (arrays)")
          .with("argument", Value("MESSAGES"));
    if (need_parts && (!m->find_ci("user") || !m->find_ci("message") || !m->find_ci("chat")))
      throw ApiError(errors::kArgument, "The incorrect structure of a message inside MESSAGES parameter")
          .with("argument", Value("MESSAGES"));
    out.push_back(m);
  }
  return out;
}

const Value& part(const Value& m, std::string_view name) {
  const Value* v = m.find_ci(name);
  return v ? *v : Value::null_value();
}

std::string text_of(const Value& block, std::string_view key) {
  const Value& v = part(block, key);
  return v.is_scalar() ? std::string(trim(v.to_string())) : std::string();
}

ExternalUser external_user(const Value& user) {
  ExternalUser u;
  u.id = text_of(user, "id");
  u.name = text_of(user, "name");
  u.last_name = text_of(user, "last_name");
  u.email = text_of(user, "email");
  u.phone = text_of(user, "phone");
  u.gender = to_upper(text_of(user, "gender"));
  u.url = text_of(user, "url");
  const Value& picture = part(user, "picture");
  u.picture = picture.is_map() ? text_of(picture, "url") : std::string();
  return u;
}

// The text the client sent, with its files as links (imhub does not fetch them).
std::string message_text(const Value& message) {
  std::string text = part(message, "text").is_scalar() ? part(message, "text").to_string() : std::string();
  const Value& files = part(message, "files");
  if (files.is_array())
    for (const Value* f : files.elements()) {
      if (!f->is_map()) continue;
      const std::string url = text_of(*f, "url");
      if (url.empty()) continue;
      const std::string name = text_of(*f, "name");
      text += (text.empty() ? "" : "\n") + ("[URL=" + url + "]" + (name.empty() ? url : name) + "[/URL]");
    }
  return text;
}

struct Route {
  Connector connector;
  OpenLine line;
};

// The connector and line messages travel through: the caller's connector (else
// IMCONNECTOR_NO_CORRECT_PROVIDER), on an active line where it is switched on (else
// NOT_ACTIVE_LINE).
Route route(const MethodCall& call, Conn& c, const std::string& id, int64_t line_id) {
  Route r{own_connector(call, c, id), {}};
  auto line = find_line(c, line_id);
  if (!line || !line->active() || !connector_line(c, id, line_id).active) throw ApiError(errors::kIcNotActiveLine);
  r.line = std::move(*line);
  return r;
}

Value result_item(const Value& m, bool success, const std::string& error) {
  Value item = Value::map();
  item["user"] = part(m, "user");
  item["message"] = part(m, "message");
  item["chat"] = part(m, "chat");
  item["SUCCESS"] = success;
  if (!success) {
    Value errors = Value::list();
    errors.push_back(Value(error));
    item["ERRORS"] = errors;
  }
  return item;
}

Value batch_result(Value results) {
  return Value::object({{"SUCCESS", Value(true)}, {"DATA", Value::object({{"RESULT", std::move(results)}})}});
}

MethodResult send_messages(MethodCall& call) {
  require_app(call);
  const std::string id = connector_param(call);
  const int64_t line_id = line_param(call);
  const std::vector<const Value*> messages = messages_param(call, true);
  Value results = Value::list();
  write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    const Route r = route(call, c, id, line_id);
    for (const Value* m : messages) {
      const Value& user = part(*m, "user");
      const Value& message = part(*m, "message");
      const Value& chat_block = part(*m, "chat");
      const ExternalUser eu = external_user(user);
      const std::string external_chat = text_of(chat_block, "id");
      const std::string external_id = text_of(message, "id");
      const std::string text = message_text(message);
      if (eu.id.empty() || external_chat.empty()) {
        results.push_back(result_item(*m, false, "The user or chat id is empty"));
        continue;
      }
      if (trim(text).empty()) {
        results.push_back(result_item(*m, false, "The message is empty"));
        continue;
      }
      const int64_t client = ensure_connector_user(c, id, eu);
      UserCode code{id, line_id, external_chat, r.connector.flag("CHAT_GROUP", false) ? external_chat : eu.id};
      // What follows is the client's doing: the welcome bot hears the client invite it, and the
      // message events carry the client's token.
      const int64_t before = tx.act_as(client);
      const Chat chat = ensure_lines_chat(tx, r.line, code, client);
      const Session s = ensure_session(tx, r.line, chat, client);
      const bool known = !external_id.empty() && message_of_external(c, id, line_id, external_chat, external_id);
      if (!known) {
        const int64_t message_id =
            post_message(tx, NewMessage{chat.id, client, normalize_message_text(text), "", false, ""});
        if (!external_id.empty())
          remember_external_id(c, message_id, external_id, chat.id, id, line_id, external_chat, false);
      }
      tx.act_as(before);
      Value item = result_item(*m, true, "");
      item["user"] = std::to_string(client);
      item["session"] =
          Value::object({{"ID", Value(std::to_string(s.id))}, {"CHAT_ID", Value(std::to_string(chat.id))}});
      results.push_back(std::move(item));
    }
  });
  return batch_result(std::move(results));
}

// update.messages / delete.messages: the client's message named by message.id and chat.id.
template <class F>
MethodResult change_messages(MethodCall& call, F&& change) {
  require_app(call);
  const std::string id = connector_param(call);
  const int64_t line_id = line_param(call);
  const std::vector<const Value*> messages = messages_param(call, false);
  Value results = Value::list();
  write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    route(call, c, id, line_id);
    for (const Value* m : messages) {
      const std::string external_chat = text_of(part(*m, "chat"), "id");
      const std::string external_id = text_of(part(*m, "message"), "id");
      auto message_id = message_of_external(c, id, line_id, external_chat, external_id);
      auto message = message_id ? find_message(c, *message_id) : std::nullopt;
      if (!message) {
        results.push_back(result_item(*m, false, "The message was not found"));
        continue;
      }
      const int64_t before = tx.act_as(message->author_id);
      const MessageStatus status = change(tx, *m, *message);
      tx.act_as(before);
      Value item = result_item(*m, status == MessageStatus::kOk || status == MessageStatus::kUnchanged,
                               "The message cannot be changed");
      item["user"] = std::to_string(message->author_id);
      results.push_back(std::move(item));
    }
  });
  return batch_result(std::move(results));
}

MethodResult update_messages(MethodCall& call) {
  return change_messages(call, [](Tx& tx, const Value& m, const Message& message) {
    Edit edit;
    edit.text = normalize_message_text(message_text(part(m, "message")));
    return edit_message(tx, message.id, message.author_id, edit);
  });
}

MethodResult delete_messages(MethodCall& call) {
  return change_messages(call, [](Tx& tx, const Value&, const Message& message) {
    return delete_message(tx, message.id, message.author_id, false);
  });
}

// send.status.delivery: the connector delivered operator messages under these external ids,
// which its later update and delete events name. send.status.reading records nothing.
MethodResult status_messages(MethodCall& call, bool delivery) {
  require_app(call);
  const std::string id = connector_param(call);
  line_param(call);
  const std::vector<const Value*> messages = messages_param(call, false);
  write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    own_connector(call, c, id);
    if (!delivery) return;
    for (const Value* m : messages) {
      const Value& im = part(*m, "im");
      const int64_t message_id = im.is_map() ? part(im, "message_id").to_int_or(0) : 0;
      auto message = message_id > 0 ? find_message(c, message_id) : std::nullopt;
      auto chat = message ? find_chat(c, message->chat_id) : std::nullopt;
      auto code = chat ? UserCode::parse(chat->entity_id) : std::nullopt;
      if (!code || chat->entity_type != "LINES" || code->connector != id) continue;
      const Value& ids = part(part(*m, "message"), "id");
      std::vector<std::string> external;
      if (ids.is_array()) {
        for (const Value* v : ids.elements())
          if (v->is_scalar() && !v->to_string().empty()) external.push_back(v->to_string());
      } else if (ids.is_scalar() && !ids.to_string().empty()) {
        external.push_back(ids.to_string());
      }
      for (const std::string& e : external)
        remember_external_id(c, message_id, e, chat->id, id, code->line_id, code->chat, true);
    }
  });
  return Value::object({{"SUCCESS", Value(true)}, {"DATA", Value::list()}});
}

// chat.name.set: the title of the client's LINES chat (reference imconnector-chat-name-set.md).
MethodResult chat_name_set(MethodCall& call) {
  require_app(call);
  const std::string id = connector_param(call);
  const int64_t line_id = line_param(call);
  const std::string external_chat = std::string(trim(required(call, "CHAT_ID").to_string()));
  const std::string name = std::string(trim(required(call, "NAME").to_string()));
  const std::string user = std::string(trim(call.param("USER_ID").to_string()));
  write_tx(call, [&](Tx& tx) {
    const Route r = route(call, tx.conn, id, line_id);
    // Conversations are per external user unless the connector groups them by chat (CHAT_GROUP).
    if (user.empty() && !r.connector.flag("CHAT_GROUP", false)) throw argument_empty("USER_ID");
    if (rename_connector_chats(tx, id, line_id, external_chat, user, name) == 0)
      throw ApiError(errors::kIcRenameFailed);
  });
  return Value::object({{"SUCCESS", Value(true)}, {"DATA", Value::object({{"RESULT", Value::empty_object()}})}});
}

MethodResult status_delivery(MethodCall& call) { return status_messages(call, true); }
MethodResult status_reading(MethodCall& call) { return status_messages(call, false); }

}  // namespace

void register_imconnector_methods(Registry& r) {
  const MethodTable table{r, "imopenlines,imconnector", kDoc};
  table.add("imconnector.register", Effect::kWrite, connector_register, "imconnector-register.md",
            "ICON and PLACEMENT_HANDLER are stored; imhub has no contact-center page to show them on");
  table.add("imconnector.unregister", Effect::kWrite, connector_unregister, "imconnector-unregister.md");
  table.add("imconnector.list", Effect::kRead, connector_list, "imconnector-list.md",
            "lists the connectors applications registered (not the live chat's built-in `livechat`)");
  table.add("imconnector.activate", Effect::kWrite, connector_activate, "imconnector-activate.md");
  table.add("imconnector.status", Effect::kRead, connector_status, "imconnector-status.md");
  table.add("imconnector.connector.data.set", Effect::kWrite, connector_data_set, "imconnector-connector-data-set.md");
  table.add("imconnector.send.messages", Effect::kWrite, send_messages, "imconnector-send-messages.md",
            "files arrive as links in the text (imhub does not fetch them); message.date is not kept");
  table.add("imconnector.update.messages", Effect::kWrite, update_messages, "imconnector-update-messages.md");
  table.add("imconnector.delete.messages", Effect::kWrite, delete_messages, "imconnector-delete-messages.md");
  table.add("imconnector.send.status.delivery", Effect::kWrite, status_delivery, "imconnector-send-status-delivery.md");
  table.add("imconnector.send.status.reading", Effect::kWrite, status_reading, "imconnector-send-status-reading.md",
            "accepted and answered; the reading status is not recorded (as on the platform)");
  table.add("imconnector.chat.name.set", Effect::kWrite, chat_name_set, "imconnector-chat-name-set.md");
}

}  // namespace imhub
