// Notifications (protocol-push.md §9.7) to the recipient's tabs, each with the recipient's unread
// notification counter. The current web messenger's commands (im v2 NotificationPullHandler):
// notifyAdd, notifyRead, notifyUnread, notifyConfirm, notifyDelete. Its classic predecessor's
// names (notify, readNotifyList, …) are not sent: no current client handles them. A quick reply
// (im.notify.answer) has no command of its own: the answer reaches its author as a `message`.
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/json.hpp"
#include "notify/notification.hpp"
#include "push/im_push_commands.hpp"
#include "users/user.hpp"
#include "views/im_user.hpp"

namespace imhub {

namespace {

Value notification_params(const Notification& n) {
  std::optional<Value> parsed = n.params_json.empty() ? std::nullopt : parse_json(n.params_json);
  Value params = parsed && parsed->is_map() ? std::move(*parsed) : Value::empty_object();
  params["CAN_ANSWER"] = Value(n.answerable ? "Y" : "N");
  return params;
}

// notifyAdd (types/notification.js NotifyAddParams); `tag` is hashed as the platform sends it,
// `originalTag` is the tag as given.
Value notify_add_params(const ImOut& out, const Notification& n, int64_t counter) {
  Value author = Value::empty_object();
  Value users = Value::list();
  if (n.author_id > 0)
    if (auto u = find_user(out.c, n.author_id)) {
      author = im_user_object(out.c, out.config, *u);
      users.push_back(author);
    }
  const bool has_author = author.size() > 0;
  return Value::object(
      {{"id", Value(n.id)},
       {"type", Value(static_cast<int64_t>(n.type))},
       {"date", Value(atom_time(n.created_at))},
       {"text", Value(n.text)},
       {"title", Value(n.title)},
       {"tag", Value(n.tag.empty() ? "" : md5_hex(n.tag))},
       {"originalTag", Value(n.tag)},
       {"settingName", Value(n.module + "|" + n.event)},
       {"silent", Value("N")},
       {"read", Value(n.read)},
       {"params", notification_params(n)},
       {"counter", Value(counter)},
       {"userId", Value(n.author_id)},
       {"userName", has_author ? author["name"] : Value("")},
       {"userAvatar", has_author ? author["avatar"] : Value("")},
       {"userColor", has_author ? author["color"] : Value("")},
       {"userLink",
        Value(n.author_id > 0 ? "/company/personal/user/" + std::to_string(n.author_id) + "/" : std::string())},
       {"link", Value("")},
       {"onlyFlash", Value(false)},
       {"users", std::move(users)}});
}

}  // namespace

void publish_im(const ImOut& out, const NotificationChanged& change) {
  const int64_t counter = unread_notification_count(out.c, change.user_id);
  const int64_t first = change.ids.empty() ? 0 : change.ids.front();
  switch (change.event) {
    case NotificationEvent::kAdded:
      for (int64_t id : change.ids)
        if (auto n = find_notification(out.c, id))
          out.to_user(change.user_id, im_body("notifyAdd", notify_add_params(out, *n, counter)));
      return;
    case NotificationEvent::kRead:
    case NotificationEvent::kUnread: {
      const bool read = change.event == NotificationEvent::kRead;
      out.to_user(change.user_id,
                  im_body(read ? "notifyRead" : "notifyUnread",
                          Value::object({{"list", ids_list(change.ids)}, {"counter", Value(counter)}})));
      return;
    }
    case NotificationEvent::kConfirmed:
      out.to_user(change.user_id,
                  im_body("notifyConfirm", Value::object({{"id", Value(first)}, {"counter", Value(counter)}})));
      return;
    case NotificationEvent::kDeleted: {
      Value ids = Value::empty_object();
      for (int64_t id : change.ids) ids[std::to_string(id)] = Value(id);
      out.to_user(change.user_id,
                  im_body("notifyDelete", Value::object({{"id", std::move(ids)}, {"counter", Value(counter)}})));
      return;
    }
    case NotificationEvent::kAnswered:
      return;
  }
}

}  // namespace imhub
