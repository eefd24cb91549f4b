// Messages: appending one to a chat (sequence, last message, the author's read mark) and the
// text rules every message follows (protocol.md §12.1).
#pragma once

#include <cstdint>
#include <string>

#include "store/store.hpp"

namespace imhub {

constexpr size_t kMaxMessageChars = 20000;

struct NewMessage {
  int64_t chat_id = 0;
  int64_t author_id = 0;  // 0: a system message of the chat
  std::string text;
  std::string params_json;  // the message's params as JSON ("" = none)
  bool system = false;
};

// `[BR]`, `[br]` and `#BR#` become line breaks, the text is trimmed, and text over 20,000
// characters is cut with " (...)" (protocol.md §12.1).
std::string normalize_message_text(std::string_view text);

// Appends the message and returns its id. The author (when a member) has read up to it.
int64_t append_message(Conn& c, const NewMessage& m);

}  // namespace imhub
