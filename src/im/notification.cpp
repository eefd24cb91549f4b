#include "im/notification.hpp"

#include <stdexcept>

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/json.hpp"
#include "core/value.hpp"
#include "im/dialog.hpp"
#include "im/message.hpp"

namespace imhub {
namespace {

// Queries by tag repeat "tag <> ''" so the planner may use the partial tag indexes.
constexpr const char* kColumns =
    "id, user_id, author_id, type, module, event, tag, sub_tag, title, text, text_out, buttons, answerable, params, "
    "is_read, created_at";

// The platform's IM_ANSWER_DONE as spec 002 "im.notify.answer" prints it.
constexpr const char* kAnswerDone = "You response is sent successfully.";

Notification read_notification(const Row& r) {
  Notification n;
  n.id = r.i64(0);
  n.user_id = r.i64(1);
  n.author_id = r.i64(2);
  n.type = static_cast<NotifyType>(r.i64(3));
  n.module = r.str(4);
  n.event = r.str(5);
  n.tag = r.str(6);
  n.sub_tag = r.str(7);
  n.title = r.str(8);
  n.text = r.str(9);
  n.text_out = r.str(10);
  n.buttons_json = r.str(11);
  n.answerable = r.i64(12) != 0;
  n.params_json = r.str(13);
  n.read = r.i64(14) != 0;
  n.created_at = r.i64(15);
  return n;
}

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

}  // namespace

std::string app_notify_tag(const std::string& client_id, const std::string& tag) {
  return "MP|" + md5_hex(client_id).substr(0, 5) + "|" + tag;
}

int64_t add_notification(Conn& c, const NewNotification& n) {
  if (n.type == NotifyType::kConfirm && n.buttons.empty())
    throw std::invalid_argument("a confirm notification needs buttons");
  if (n.answerable && n.author_id <= 0) throw std::invalid_argument("a quick reply needs an author to go to");
  if (!n.tag.empty())
    c.exec("DELETE FROM notifications WHERE user_id = $1 AND tag = $2 AND tag <> ''", {n.user_id, n.tag});
  auto row = c.query_one(
      "INSERT INTO notifications (user_id, author_id, type, module, event, tag, sub_tag, title, text, text_out, "
      "buttons, answerable, params, is_read, created_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 0, $14) RETURNING id",
      {n.user_id, n.author_id, int64_t{static_cast<int>(n.type)}, n.module, n.event, n.tag, n.sub_tag, n.title, n.text,
       n.text_out, n.type == NotifyType::kConfirm ? buttons_json(n.buttons) : std::string(),
       int64_t{n.answerable ? 1 : 0}, n.params_json, now_unix_seconds()});
  return row->i64(0);
}

std::optional<Notification> find_notification(Conn& c, int64_t id) {
  auto row = c.query_one(std::string("SELECT ") + kColumns + " FROM notifications WHERE id = $1", {id});
  if (!row) return std::nullopt;
  return read_notification(*row);
}

int64_t unread_notification_count(Conn& c, int64_t user_id) {
  // The WHERE matches the partial index notifications_unread exactly.
  auto row = c.query_one("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND is_read = 0", {user_id});
  return row ? row->i64(0) : 0;
}

bool delete_user_notifications(Conn& c, int64_t user_id, const std::vector<int64_t>& ids) {
  int64_t deleted = 0;
  for (int64_t id : ids) deleted += c.exec("DELETE FROM notifications WHERE id = $1 AND user_id = $2", {id, user_id});
  return deleted > 0;
}

int64_t delete_notifications_by_tag(Conn& c, const std::string& tag) {
  if (tag.empty()) return 0;
  return c.exec("DELETE FROM notifications WHERE tag = $1 AND tag <> ''", {tag});
}

int64_t delete_notifications_by_sub_tag(Conn& c, const std::string& sub_tag) {
  if (sub_tag.empty()) return 0;
  return c.exec("DELETE FROM notifications WHERE sub_tag = $1 AND sub_tag <> ''", {sub_tag});
}

bool set_notifications_read(Conn& c, int64_t user_id, int64_t id, bool read, bool and_later) {
  const int64_t to = read ? 1 : 0;
  const int64_t from = read ? 0 : 1;
  const int64_t confirm = static_cast<int>(NotifyType::kConfirm);
  if (id < 0) return false;
  if (id == 0) {
    // "All of them" exists for reading only (CIMNotify::MarkNotifyUnRead refuses id 0).
    if (!read || !and_later) return false;
    return c.exec("UPDATE notifications SET is_read = 1 WHERE user_id = $1 AND is_read = 0 AND type <> $2",
                  {user_id, confirm}) > 0;
  }
  auto target = c.query_one("SELECT tag FROM notifications WHERE id = $1 AND user_id = $2", {id, user_id});
  if (!target) return false;
  const char* sql = and_later ? "UPDATE notifications SET is_read = $1 WHERE user_id = $2 AND is_read = $3 "
                                "AND type <> $4 AND id >= $5"
                              : "UPDATE notifications SET is_read = $1 WHERE user_id = $2 AND is_read = $3 "
                                "AND type <> $4 AND id = $5";
  int64_t changed = c.exec(sql, {to, user_id, from, confirm, id});
  if (const std::string& tag = target->str(0); !tag.empty())
    changed +=
        c.exec("UPDATE notifications SET is_read = $1 WHERE user_id = $2 AND is_read = $3 AND type <> $4 AND tag = $5",
               {to, user_id, from, confirm, tag});
  return changed > 0;
}

std::optional<std::vector<std::string>> confirm_notification(Conn& c, int64_t user_id, int64_t id,
                                                             const std::string& value) {
  auto n = find_notification(c, id);
  if (!n || n->user_id != user_id || n->type != NotifyType::kConfirm) return std::nullopt;
  std::vector<std::string> messages = confirm_messages(n->buttons_json, value);
  // Answered: the question is gone, whatever was chosen (CIMNotify::Confirm).
  c.exec("DELETE FROM notifications WHERE id = $1", {id});
  return messages;
}

std::optional<std::vector<std::string>> answer_notification(Conn& c, int64_t user_id, int64_t id,
                                                            const std::string& answer) {
  auto n = find_notification(c, id);
  if (!n || n->user_id != user_id || !n->answerable) return std::nullopt;
  const std::string text = normalize_message_text(answer);
  if (text.empty()) return std::nullopt;
  // Answering one's own notification, or one whose author has since gone, has nobody to tell.
  const bool author_exists = c.query_one("SELECT 1 FROM users WHERE id = $1", {n->author_id}).has_value();
  if (author_exists && n->author_id != user_id) {
    Chat chat = ensure_private_chat(c, user_id, n->author_id);
    append_message(c, NewMessage{chat.id, user_id, text, "", false});
  }
  return std::vector<std::string>{kAnswerDone};
}

}  // namespace imhub
