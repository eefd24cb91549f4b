// The messenger's chat object (lower-case keys): im.dialog.get, im.search.chat.list, the `chat`
// of recent and search-last items (spec 002 examples; reference chats/im-dialog-get.md).
// The spec's examples disagree on id types (im.dialog.get prints "id": "21191", the search and
// recent.list examples print numbers), so the caller picks per method.
#pragma once

#include <cstdint>

#include "core/value.hpp"
#include "im/chat.hpp"
#include "im/chat_roster.hpp"
#include "store/store.hpp"

namespace imhub {

struct ChatViewOptions {
  bool string_ids = false;                    // "id" and "owner" as strings (im.dialog.get, im.recent.get examples)
  int64_t viewer = 0;                         // for counter, last_id, role
  const ChatMember* viewer_member = nullptr;  // the viewer's membership when the caller has it
  const ChatRoster* roster = nullptr;         // the chat's roster when the caller has it (else loaded)
};

// Lower-case computed type (protocol.md §11.1): private, open, chat, or the entity type camelCased.
std::string chat_type_name(const Chat& chat);

Value im_chat_object(Conn& c, const Chat& chat, const ChatViewOptions& opt);

}  // namespace imhub
