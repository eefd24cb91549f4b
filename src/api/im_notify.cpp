// im.notify.* methods (scope `im`). Contract: spec 002 "Working with Notifications"; details from
// reference/api-reference/chats/notifications/ and the platform's im_rest.php. Rules and SQL live
// in notify/notification.
#include <algorithm>

#include "api/common.hpp"
#include "core/clock.hpp"
#include "core/error_catalog.hpp"
#include "core/json.hpp"
#include "im/message.hpp"
#include "notify/notification.hpp"
#include "text/attach.hpp"
#include "users/user.hpp"
#include "users/user_cache.hpp"
#include "views/im_user.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/chats/notifications/";

// Descriptions: the spec's example text where it prints one, else the reference's.

// protocol.md "Decisions": ATTACH is limited to 30 KB of its JSON encoding.

void refuse_session(const MethodCall& call) {
  if (call.caller.kind == AuthKind::kSession) throw ApiError(errors::kWrongAuthTypeImNotify);
}

// The application a tag belongs to: the OAuth application, or for a webhook the CLIENT_ID it
// names (reference: "pass it together with TAG and SUB_TAG"). Webhook ids get the platform's
// "custom" prefix so they never collide with a real application's. "" when there is none.
std::string tag_owner(const MethodCall& call) {
  if (call.caller.kind == AuthKind::kOAuth && !call.caller.client_id.empty()) return call.caller.client_id;
  std::string named = call.param("CLIENT_ID").to_string();
  return named.empty() ? std::string() : "custom" + named;
}

// ATTACH through the shared validator (text/attach.hpp): the same forms, blocks, 30 KB limit and
// errors as on messages.
std::string attach_params(const MethodCall& call) {
  const Value& given = call.param("ATTACH");
  if (!given.truthy() || (given.is_array() && given.size() == 0)) return "";
  Value params = Value::map();
  try {
    params["ATTACH"] = normalize_attach(given);
  } catch (const ApiError& e) {
    // The same rule with the notification pages' own descriptions.
    throw ApiError(e.code() == "ATTACH_OVERSIZE" ? errors::kAttachOversize : errors::kAttachError);
  }
  return to_json(params);
}

MethodResult notify_add(MethodCall& call, NotifyType type) {
  refuse_session(call);
  const Value& to = call.param("TO").is_null() ? call.param("USER_ID") : call.param("TO");
  const int64_t user_id = to.to_int_or(0);
  if (user_id <= 0)
    throw ApiError(type == NotifyType::kSystem ? errors::kSystemUserIdEmpty : errors::kPersonalUserIdEmpty);
  NewNotification n;
  n.user_id = user_id;
  n.type = type;
  n.author_id = type == NotifyType::kSystem ? 0 : call.caller.user_id;
  n.text = normalize_message_text(call.param("MESSAGE").to_string());
  if (n.text.empty()) throw ApiError(errors::kMessageEmptyImNotify);
  // spec: "When not specified, uses the field MESSAGE".
  n.text_out = normalize_message_text(call.param("MESSAGE_OUT").to_string());
  if (n.text_out.empty()) n.text_out = n.text;
  if (std::string owner = tag_owner(call); !owner.empty()) {
    if (std::string tag = call.param("TAG").to_string(); !tag.empty()) n.tag = app_notify_tag(owner, tag);
    if (std::string sub = call.param("SUB_TAG").to_string(); !sub.empty()) n.sub_tag = app_notify_tag(owner, sub);
  }
  n.params_json = attach_params(call);
  // "If the notification is not created, it may return false": nobody to deliver it to.
  if (!call.services.users->find(user_id)) return Value(false);
  return Value(write_tx(call, [&](Tx& tx) { return add_notification(tx, n); }));
}

MethodResult personal_add(MethodCall& call) { return notify_add(call, NotifyType::kFromUser); }
MethodResult system_add(MethodCall& call) { return notify_add(call, NotifyType::kSystem); }

std::vector<int64_t> ids_of(const Value& v) {
  std::vector<int64_t> ids;
  if (v.is_array()) {
    for (const Value* e : v.elements()) ids.push_back(e->to_int_or(0));
  } else {
    ids.push_back(v.to_int_or(0));
  }
  return ids;
}

MethodResult notify_delete(MethodCall& call) {
  const int64_t me = call.caller.user_id;
  if (const Value& id = call.param("ID"); !id.is_null()) {
    std::vector<int64_t> ids = ids_of(id);
    return Value(write_tx(call, [&](Tx& tx) { return delete_user_notifications(tx, me, ids); }));
  }
  // Tags belong to applications, which a browser session is not.
  refuse_session(call);
  const std::string tag = call.param("TAG").to_string();
  const std::string sub_tag = call.param("SUB_TAG").to_string();
  if (tag.empty() && sub_tag.empty()) throw ApiError(errors::kDeleteParamsError);
  const std::string owner = tag_owner(call);
  if (owner.empty()) throw ApiError(errors::kClientIdMissing);
  write_tx(call, [&](Tx& tx) {
    if (!tag.empty())
      delete_notifications_by_tag(tx, app_notify_tag(owner, tag));
    else
      delete_notifications_by_sub_tag(tx, app_notify_tag(owner, sub_tag));
  });
  return Value(true);
}

// ACTION: exactly "Y" reads (the default), anything else unreads.
bool action_reads(const MethodCall& call) {
  const Value& action = call.param("ACTION");
  return action.is_null() || action.to_string() == "Y";
}

MethodResult notify_read(MethodCall& call) {
  const Value& id = call.param("ID");
  // Without ID the method "will return true without any changes" (reference).
  if (id.is_null() || id.to_int_or(0) < 0) return Value(true);
  const bool read = action_reads(call);
  const bool and_later = call.param("ONLY_CURRENT").to_string() != "Y";
  const int64_t me = call.caller.user_id;
  write_tx(call, [&](Tx& tx) { set_notifications_read(tx, me, id.to_int_or(0), read, and_later); });
  return Value(true);
}

MethodResult notify_read_list(MethodCall& call) {
  const Value& ids = call.param("IDS");
  if (!ids.is_array()) throw ApiError(errors::kIdsError);
  const bool read = action_reads(call);
  const int64_t me = call.caller.user_id;
  write_tx(call, [&](Tx& tx) {
    for (const Value* v : ids.elements()) {
      const int64_t id = v->to_int_or(0);
      if (id <= 0) break;  // "processing stops at that element" (reference)
      set_notifications_read(tx, me, id, read, false);
    }
  });
  return Value(true);
}

// NOTIFY_ID (reference) or ID (spec); ID wins when both are given, as in the platform.
int64_t notify_id_param(const MethodCall& call) {
  const Value& id = call.param("ID");
  const int64_t value = id.is_null() ? call.param("NOTIFY_ID").to_int_or(0) : id.to_int_or(0);
  if (value <= 0) throw ApiError(errors::kIdError);
  return value;
}

Value result_message(const std::optional<std::vector<std::string>>& messages) {
  Value out = Value::map();
  if (!messages) {
    out["result_message"] = Value(false);
  } else {
    Value list = Value::list();
    for (const auto& m : *messages) list.push_back(Value(m));
    out["result_message"] = std::move(list);
  }
  return out;
}

MethodResult notify_confirm(MethodCall& call) {
  const int64_t id = notify_id_param(call);
  const Value& value = call.param("NOTIFY_VALUE");
  if (!value.truthy()) throw ApiError(errors::kNotifyValueError);
  const std::string chosen = value.to_string();
  const int64_t me = call.caller.user_id;
  return result_message(write_tx(call, [&](Tx& tx) { return confirm_notification(tx, me, id, chosen); }));
}

MethodResult notify_answer(MethodCall& call) {
  const int64_t id = notify_id_param(call);
  const Value& text = call.param("ANSWER_TEXT");
  if (!text.truthy()) throw ApiError(errors::kAnswerTextError);
  const std::string answer = text.to_string();
  const int64_t me = call.caller.user_id;
  return result_message(write_tx(call, [&](Tx& tx) { return answer_notification(tx, me, id, answer); }));
}

// A notification as im.notify.get lists it (reference im-notify-get.md "Notification Object").
// imhub keeps no system chat per user: chat_id is 0. The text is the stored BB-code text
// (CONVERT_TEXT, the platform's HTML conversion, is not applied: clients render BB-codes).
Value notification_item(const Notification& n) {
  Value v = Value::map();
  v["id"] = n.id;
  v["chat_id"] = int64_t{0};
  v["author_id"] = n.author_id;
  v["date"] = atom_time(n.created_at);
  v["notify_type"] = int64_t{static_cast<int>(n.type)};
  v["notify_module"] = n.module;
  v["notify_event"] = n.event;
  v["notify_tag"] = n.tag;
  v["notify_sub_tag"] = n.sub_tag;
  v["notify_title"] = n.title;
  v["setting_name"] = n.module + "|" + n.event;
  v["text"] = n.text;
  v["notify_read"] = n.read ? "Y" : "N";
  if (n.type == NotifyType::kConfirm) {
    // "JSON keyboard for confirmation type notifications": the buttons as the platform stores them.
    Value buttons = Value::list();
    if (auto stored = parse_json(n.buttons_json))
      for (const Value* b : stored->elements())
        buttons.push_back(Value::object({{"TITLE", (*b)["TITLE"]}, {"VALUE", (*b)["VALUE"]}, {"TYPE", (*b)["TYPE"]}}));
    v["notify_buttons"] = to_plain_json(buttons);
  }
  // As notifyAdd carries them: the stored params (ATTACH) and CAN_ANSWER for a quick reply.
  std::optional<Value> parsed = n.params_json.empty() ? std::nullopt : parse_json(n.params_json);
  Value params = parsed && parsed->is_map() ? std::move(*parsed) : Value::empty_object();
  params["CAN_ANSWER"] = Value(n.answerable ? "Y" : "N");
  v["params"] = std::move(params);
  return v;
}

// im.notify.get: one page, confirm notifications first, then the others, newest first in each;
// LAST_ID with LAST_TYPE (1: still in the confirmations, 3: in the others) continues after it.
MethodResult notify_get(MethodCall& call) {
  const Value& last_id_param = call.param("LAST_ID");
  const Value& last_type_param = call.param("LAST_TYPE");
  if (last_id_param.is_null() != last_type_param.is_null()) throw ApiError(errors::kLastIdAndLastType);
  int64_t last_id = 0;
  bool in_confirms = true;
  if (!last_id_param.is_null()) {
    std::optional<int64_t> id = last_id_param.is_scalar() ? last_id_param.to_int() : std::nullopt;
    if (!id) throw ApiError(errors::kNotifyLastIdString);
    last_id = std::max<int64_t>(*id, 0);
    in_confirms = last_type_param.to_int_or(0) == 1;
  }
  int64_t limit = call.param("LIMIT").to_int_or(50);
  if (limit <= 0 || limit > 50) limit = 50;
  const int64_t me = call.caller.user_id;
  Value out = Value::map();
  call.services.store.read([&](Conn& c) {
    std::vector<Notification> page;
    if (in_confirms) page = list_notifications(c, me, true, last_id, limit);
    const int64_t rest = limit - static_cast<int64_t>(page.size());
    if (rest > 0) {
      auto others = list_notifications(c, me, false, in_confirms ? 0 : last_id, rest);
      page.insert(page.end(), others.begin(), others.end());
    }
    Value notifications = Value::list();
    Value users = Value::list();
    std::vector<int64_t> authors;
    for (const Notification& n : page) {
      notifications.push_back(notification_item(n));
      if (n.author_id > 0 && std::find(authors.begin(), authors.end(), n.author_id) == authors.end()) {
        authors.push_back(n.author_id);
        if (auto u = find_user(c, n.author_id)) users.push_back(im_user_object(c, call.services.config, *u));
      }
    }
    out["total_count"] = notification_count(c, me);
    out["total_unread_count"] = unread_notification_count(c, me);
    out["chat_id"] = int64_t{0};
    out["notifications"] = std::move(notifications);
    out["users"] = std::move(users);
  });
  return out;
}

// im.notify.read.all: every notification of the caller read (confirm ones stay: they await an
// answer); the unread counter after it.
MethodResult notify_read_all(MethodCall& call) {
  const int64_t me = call.caller.user_id;
  const int64_t counter = write_tx(call, [&](Tx& tx) {
    set_notifications_read(tx, me, 0, true, true);
    return unread_notification_count(tx.conn, me);
  });
  return Value::object({{"result", Value(true)}, {"newCounter", Value(counter)}});
}

}  // namespace

void register_im_notify_methods(Registry& r) {
  const MethodTable table{r, "im", kDoc};
  auto add = [&](std::string name, Handler h, std::string page, std::string note) {
    table.add(std::move(name), Effect::kWrite, std::move(h), page, std::move(note));
  };
  add("im.notify.personal.add", personal_add, "im-notify-personal-add.md", "");
  add("im.notify.system.add", system_add, "im-notify-system-add.md",
      "no application-name "
      "prefix yet (no OAuth applications)");
  add("im.notify.delete", notify_delete, "im-notify-delete.md", "");
  add("im.notify.read", notify_read, "im-notify-read.md", "");
  add("im.notify.read.list", notify_read_list, "im-notify-read-list.md", "");
  add("im.notify.answer", notify_answer, "im-notify-answer.md", "");
  add("im.notify.confirm", notify_confirm, "im-notify-confirm.md", "");
  add("im.notify.read.all", notify_read_all, "im-notify-read-all.md", "");
  table.add("im.notify.get", Effect::kRead, notify_get, "im-notify-get.md",
            "chat_id 0 (no system chat); CONVERT_TEXT not applied: the text is BB-code");
}

}  // namespace imhub
