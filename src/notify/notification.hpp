// Notifications (im.notify.*): messages to one user that arrive in the notification centre, not
// in a dialog. Kinds follow the platform's constants (IM_NOTIFY_*): confirm (with buttons,
// answered through im.notify.confirm), from a user (personal), system (no author). A
// notification may also accept a quick reply (im.notify.answer).
//
// Rules kept here (CIMNotify): a new notification with a tag replaces the recipient's older
// ones with that tag; read marks never touch confirm notifications (they stay unread until
// answered, then disappear); reading or unreading a tagged notification does the same to the
// recipient's other notifications with that tag.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "im/change_feed.hpp"
#include "store/store.hpp"

namespace imhub {

enum class NotifyType : int { kConfirm = 1, kFromUser = 2, kSystem = 4 };

struct NotifyButton {
  std::string title;
  std::string value;
  std::string type;  // "accept" / "cancel": how clients colour the button
  // What im.notify.confirm answers when this button is chosen; empty: `Your selection: "<title>"`.
  std::string result_text;
};

struct NewNotification {
  int64_t user_id = 0;    // recipient
  int64_t author_id = 0;  // 0 for system notifications
  NotifyType type = NotifyType::kSystem;
  std::string module = "rest";
  std::string event = "rest_notify";
  std::string tag;
  std::string sub_tag;
  std::string title;
  std::string text;
  std::string text_out;               // for e-mail
  std::vector<NotifyButton> buttons;  // kConfirm only, at least one
  // Quick reply: the answer goes to the author as a private message, so an author is needed.
  bool answerable = false;
  std::string params_json;  // the notification's params as JSON ("" = none), e.g. {"ATTACH": [...]}
};

struct Notification {
  int64_t id = 0;
  int64_t user_id = 0;
  int64_t author_id = 0;
  NotifyType type = NotifyType::kSystem;
  std::string module, event, tag, sub_tag, title, text, text_out;
  std::string buttons_json;  // "" unless kConfirm
  bool answerable = false;
  std::string params_json;
  bool read = false;
  int64_t created_at = 0;
};

// The stored form of an application's tag: "MP|<first 5 hex digits of md5(client id)>|<tag>",
// so that one application's tags never meet another's.
std::string app_notify_tag(const std::string& client_id, const std::string& tag);

// Inserts the notification (after removing the recipient's notifications with the same tag) and
// returns its id. Throws std::invalid_argument for a confirm notification without buttons or an
// answerable one without an author. Write connection.
int64_t add_notification(Tx& tx, const NewNotification& n);

std::optional<Notification> find_notification(Conn& c, int64_t id);

// im.notify.get's order: confirm notifications first (they await an answer), then the others,
// each newest first. `after` continues a stage after that id (0: from its newest); at most
// `limit` of the stage. Read connection.
std::vector<Notification> list_notifications(Conn& c, int64_t user_id, bool confirm_stage, int64_t after,
                                             int64_t limit);
int64_t notification_count(Conn& c, int64_t user_id);

// Unread notifications of the user, confirm notifications included (they await an answer).
int64_t unread_notification_count(Conn& c, int64_t user_id);

// Deletes those of `ids` that belong to `user_id`; false when none did.
bool delete_user_notifications(Tx& tx, int64_t user_id, const std::vector<int64_t>& ids);
// Every recipient's notifications with this stored tag / sub-tag; returns how many went.
int64_t delete_notifications_by_tag(Tx& tx, const std::string& tag);
int64_t delete_notifications_by_sub_tag(Tx& tx, const std::string& sub_tag);

// Sets the read flag of the user's notification `id` (or of it and every later one when
// `and_later`), and of its unconfirmed tag-mates; confirm notifications are left alone.
// `id` 0 with `and_later` means all of the user's notifications (reading only, as the platform
// does). Returns false when nothing changed or the notification is not the user's.
bool set_notifications_read(Tx& tx, int64_t user_id, int64_t id, bool read, bool and_later);

// im.notify.confirm: applies `value` to the user's confirm notification `id` and removes it.
// Returns the result messages, or nullopt when `id` is not a confirm notification of the user.
std::optional<std::vector<std::string>> confirm_notification(Tx& tx, int64_t user_id, int64_t id,
                                                             const std::string& value);

// im.notify.answer: sends `answer` from the user to the author of the user's answerable
// notification `id` (a private message). Returns the result messages, or nullopt when the
// notification is not the user's or takes no quick reply.
std::optional<std::vector<std::string>> answer_notification(Tx& tx, int64_t user_id, int64_t id,
                                                            const std::string& answer);

}  // namespace imhub
