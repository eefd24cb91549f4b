// Messages: appending one to a chat (sequence, last message, the author's read mark), reading
// them back, and the text rules every message follows (protocol.md §12.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "core/value.hpp"
#include "store/store.hpp"

namespace imhub {

constexpr size_t kMaxMessageChars = 20000;
// "more than 3 days has passed since publication" (spec im.message.update; protocol.md §12.1).
constexpr int64_t kEditWindowSeconds = 259200;

// A message about to be posted (im/message_post.hpp).
struct NewMessage {
  int64_t chat_id = 0;
  int64_t author_id = 0;  // 0: a system message of the chat
  std::string text;
  std::string params_json;  // the message's params as a JSON object ("" = none)
  bool system = false;
  std::string template_id;  // idempotency key (TEMPLATE_ID), "" = none
};

struct Message {
  int64_t id = 0;
  int64_t chat_id = 0;
  int64_t seq = 0;
  int64_t author_id = 0;
  std::string text;
  Value params;  // a map, or null when the message has none
  bool system = false;
  int64_t created_at = 0;
  int64_t edited_at = 0;
  bool deleted = false;
};

// `[BR]`, `[br]` and `#BR#` become line breaks, the text is trimmed, and text over 20,000
// characters is cut with " (...)" (protocol.md §12.1).
std::string normalize_message_text(std::string_view text);

std::optional<Message> find_message(Conn& c, int64_t id);
// Column list ("a.id, a.chat_id, …") and reader starting at column `at`, for joins.
std::string message_columns(std::string_view alias);
Message read_message(const Row& r, size_t at = 0);
// The message an author already sent with this TEMPLATE_ID, if any.
std::optional<int64_t> find_message_by_template(Conn& c, int64_t author_id, const std::string& template_id);

// A page of a chat's history, newest first, never below `first_visible_id`:
// after_id > 0 (or == 0 with from_start) → the oldest `limit` messages above it (FIRST_ID);
// before_id > 0 → the newest `limit` below it (LAST_ID); neither → the newest `limit`.
struct HistoryPage {
  int64_t after_id = -1;
  int64_t before_id = 0;
  int64_t first_visible_id = 0;
  int limit = 20;
};
std::vector<Message> load_history(Conn& c, int64_t chat_id, const HistoryPage& page);
// The newest message of a chat (the recent-list preview); nullopt when the chat is empty.
std::optional<Message> last_message(Conn& c, int64_t chat_id);

// Rewrites text and params (an edit, a like, a soft delete).
void save_message(Conn& c, const Message& m);
void erase_message(Conn& c, const Message& m);

// The text of params as stored ("" when null or empty).
std::string params_to_json(const Value& params);

}  // namespace imhub
