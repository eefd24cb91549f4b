#include "notify/notification.hpp"

#include <algorithm>
#include <map>

#include <stdexcept>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/json.hpp"
#include "core/value.hpp"
#include "im/dialog.hpp"
#include "im/message.hpp"
#include "im/message_post.hpp"
#include "store/row_mapping.hpp"

namespace imhub {
namespace {

// Queries by tag repeat "tag <> ''" so the planner may use the partial tag indexes.
const RowMapping<Notification> kNotificationRow{
    {"id", &Notification::id},
    {"user_id", &Notification::user_id},
    {"author_id", &Notification::author_id},
    {"type", [](Notification& n, const Row& r, size_t i) { n.type = static_cast<NotifyType>(r.i64(i)); }},
    {"module", &Notification::module},
    {"event", &Notification::event},
    {"tag", &Notification::tag},
    {"sub_tag", &Notification::sub_tag},
    {"title", &Notification::title},
    {"text", &Notification::text},
    {"text_out", &Notification::text_out},
    {"buttons", &Notification::buttons_json},
    {"answerable", &Notification::answerable},
    {"params", &Notification::params_json},
    {"is_read", &Notification::read},
    {"created_at", &Notification::created_at},
};

// The platform's IM_ANSWER_DONE as spec 002 "im.notify.answer" prints it.
constexpr const char* kAnswerDone = "You response is sent successfully.";

Notification read_notification(const Row& r) { return kNotificationRow.read(r); }

std::string buttons_json(const std::vector<NotifyButton>& buttons) {
  Value list = Value::list();
  for (const auto& b : buttons)
    list.push_back(Value::object({{"TITLE", Value(b.title)},
                                  {"VALUE", Value(b.value)},
                                  {"TYPE", Value(b.type)},
                                  {"RESULT_TEXT", Value(b.result_text)}}));
  return to_plain_json(list);
}

// What choosing `value` says: the button's own text, else the platform's IM_CONFIRM_CHOICE.
std::vector<std::string> confirm_messages(const std::string& stored_buttons, const std::string& value) {
  auto buttons = parse_json(stored_buttons);
  if (!buttons) return {};
  for (const Value* b : buttons->elements()) {
    if ((*b)["VALUE"].to_string() != value) continue;
    std::string text = (*b)["RESULT_TEXT"].to_string();
    if (text.empty()) text = "Your selection: \"" + (*b)["TITLE"].to_string() + "\"";
    return {text};
  }
  return {};
}

// Deletes every recipient's notifications whose `column` is `value`, telling each recipient.
int64_t delete_where(Tx& tx, const std::string& column, const std::string& value) {
  const std::string where = " FROM notifications WHERE " + column + " = $1 AND " + column + " <> ''";
  std::map<int64_t, std::vector<int64_t>> by_user;
  for (const Row& r : tx.conn.query("SELECT user_id, id" + where, {value})) by_user[r.i64(0)].push_back(r.i64(1));
  const int64_t deleted = tx.conn.exec("DELETE" + where, {value});
  for (auto& [user, ids] : by_user)
    tx.raise(NotificationChanged{user, NotificationEvent::kDeleted, std::move(ids), ""});
  return deleted;
}

}  // namespace

std::string app_notify_tag(const std::string& client_id, const std::string& tag) {
  return "MP|" + md5_hex(client_id).substr(0, 5) + "|" + tag;
}

int64_t add_notification(Tx& tx, const NewNotification& n) {
  Conn& c = tx.conn;
  if (n.type == NotifyType::kConfirm && n.buttons.empty())
    throw std::invalid_argument("a confirm notification needs buttons");
  if (n.answerable && n.author_id <= 0) throw std::invalid_argument("a quick reply needs an author to go to");
  if (!n.tag.empty()) {
    // The replaced ones are gone for the recipient's open tabs too.
    std::vector<int64_t> replaced;
    for (const Row& r :
         c.query("SELECT id FROM notifications WHERE user_id = $1 AND tag = $2 AND tag <> ''", {n.user_id, n.tag}))
      replaced.push_back(r.i64(0));
    if (!replaced.empty()) {
      c.exec("DELETE FROM notifications WHERE user_id = $1 AND tag = $2 AND tag <> ''", {n.user_id, n.tag});
      tx.raise(NotificationChanged{n.user_id, NotificationEvent::kDeleted, std::move(replaced), ""});
    }
  }
  auto row = c.query_one(
      "INSERT INTO notifications (user_id, author_id, type, module, event, tag, sub_tag, title, text, text_out, "
      "buttons, answerable, params, is_read, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, $14) RETURNING id",
      {n.user_id, n.author_id, int64_t{static_cast<int>(n.type)}, n.module, n.event, n.tag, n.sub_tag, n.title, n.text,
       n.text_out, n.type == NotifyType::kConfirm ? buttons_json(n.buttons) : std::string(),
       int64_t{n.answerable ? 1 : 0}, n.params_json, now_unix_seconds()});
  const int64_t id = row->i64(0);
  tx.raise(NotificationChanged{n.user_id, NotificationEvent::kAdded, {id}, ""});
  return id;
}

std::optional<Notification> find_notification(Conn& c, int64_t id) {
  auto row = c.query_one("SELECT " + kNotificationRow.list() + " FROM notifications WHERE id = $1", {id});
  if (!row) return std::nullopt;
  return read_notification(*row);
}

std::vector<Notification> list_notifications(Conn& c, int64_t user_id, bool confirm_stage, int64_t after,
                                             int64_t limit) {
  const int64_t confirm = static_cast<int>(NotifyType::kConfirm);
  std::string sql = "SELECT " + kNotificationRow.list() + " FROM notifications WHERE user_id = $1 AND type " +
                    (confirm_stage ? "=" : "<>") + " $2";
  SqlArgs args{SqlValue(user_id), SqlValue(confirm)};
  if (after > 0) {
    sql += " AND id < $3";
    args.push_back(SqlValue(after));
  }
  // Ids grow with the creation time: newest first by id, along the (user_id, id) index.
  sql += " ORDER BY id DESC LIMIT " + std::to_string(std::max<int64_t>(limit, 0));
  std::vector<Notification> out;
  for (const Row& r : c.query(sql, args)) out.push_back(read_notification(r));
  return out;
}

int64_t notification_count(Conn& c, int64_t user_id) {
  auto row = c.query_one("SELECT COUNT(*) FROM notifications WHERE user_id = $1", {user_id});
  return row ? row->i64(0) : 0;
}

int64_t unread_notification_count(Conn& c, int64_t user_id) {
  // The WHERE matches the partial index notifications_unread exactly.
  auto row = c.query_one("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND is_read = 0", {user_id});
  return row ? row->i64(0) : 0;
}

bool delete_user_notifications(Tx& tx, int64_t user_id, const std::vector<int64_t>& ids) {
  Conn& c = tx.conn;
  std::vector<int64_t> deleted;
  for (int64_t id : ids)
    if (c.exec("DELETE FROM notifications WHERE id = $1 AND user_id = $2", {id, user_id}) > 0) deleted.push_back(id);
  if (deleted.empty()) return false;
  tx.raise(NotificationChanged{user_id, NotificationEvent::kDeleted, std::move(deleted), ""});
  return true;
}

int64_t delete_notifications_by_tag(Tx& tx, const std::string& tag) {
  if (tag.empty()) return 0;
  return delete_where(tx, "tag", tag);
}

int64_t delete_notifications_by_sub_tag(Tx& tx, const std::string& sub_tag) {
  if (sub_tag.empty()) return 0;
  return delete_where(tx, "sub_tag", sub_tag);
}

bool set_notifications_read(Tx& tx, int64_t user_id, int64_t id, bool read, bool and_later) {
  Conn& c = tx.conn;
  const int64_t to = read ? 1 : 0;
  const int64_t from = read ? 0 : 1;
  const int64_t confirm = static_cast<int>(NotifyType::kConfirm);
  if (id < 0) return false;
  // The ids whose flag flips are selected first and raised: push clients mark exactly those.
  std::vector<int64_t> changed;
  auto flip = [&](const std::string& where, SqlArgs params) {
    params.insert(params.begin(), {SqlValue(user_id), SqlValue(from), SqlValue(confirm)});
    const std::string filter = " FROM notifications WHERE user_id = $1 AND is_read = $2 AND type <> $3 AND " + where;
    for (const Row& r : c.query("SELECT id" + filter + " ORDER BY id", params)) changed.push_back(r.i64(0));
    params.push_back(to);
    const std::string set_to = "$" + std::to_string(params.size());
    c.exec("UPDATE notifications SET is_read = " + set_to + " WHERE id IN (SELECT id" + filter + ")", params);
  };
  if (id == 0) {
    // "All of them" exists for reading only (CIMNotify::MarkNotifyUnRead refuses id 0).
    if (!read || !and_later) return false;
    flip("1 = 1", {});
  } else {
    auto target = c.query_one("SELECT tag FROM notifications WHERE id = $1 AND user_id = $2", {id, user_id});
    if (!target) return false;
    flip(and_later ? "id >= $4" : "id = $4", {id});
    if (const std::string tag = target->str(0); !tag.empty()) flip("tag = $4", {tag});
  }
  if (changed.empty()) return false;
  std::sort(changed.begin(), changed.end());
  changed.erase(std::unique(changed.begin(), changed.end()), changed.end());
  tx.raise(NotificationChanged{user_id, read ? NotificationEvent::kRead : NotificationEvent::kUnread,
                               std::move(changed), ""});
  return true;
}

std::optional<std::vector<std::string>> confirm_notification(Tx& tx, int64_t user_id, int64_t id,
                                                             const std::string& value) {
  Conn& c = tx.conn;
  auto n = find_notification(c, id);
  if (!n || n->user_id != user_id || n->type != NotifyType::kConfirm) return std::nullopt;
  std::vector<std::string> messages = confirm_messages(n->buttons_json, value);
  // Answered: the question is gone, whatever was chosen (CIMNotify::Confirm).
  c.exec("DELETE FROM notifications WHERE id = $1", {id});
  tx.raise(NotificationChanged{user_id, NotificationEvent::kConfirmed, {id}, value});
  return messages;
}

std::optional<std::vector<std::string>> answer_notification(Tx& tx, int64_t user_id, int64_t id,
                                                            const std::string& answer) {
  Conn& c = tx.conn;
  auto n = find_notification(c, id);
  if (!n || n->user_id != user_id || !n->answerable) return std::nullopt;
  const std::string text = normalize_message_text(answer);
  if (text.empty()) return std::nullopt;
  // Answering one's own notification, or one whose author has since gone, has nobody to tell.
  const bool author_exists = c.query_one("SELECT 1 FROM users WHERE id = $1", {n->author_id}).has_value();
  if (author_exists && n->author_id != user_id) {
    Chat chat = ensure_private_chat(tx, user_id, n->author_id);
    post_message(tx, chat, NewMessage{chat.id, user_id, text, "", false, ""});
  }
  tx.raise(NotificationChanged{user_id, NotificationEvent::kAnswered, {id}, text});
  return std::vector<std::string>{kAnswerDone};
}

}  // namespace imhub
