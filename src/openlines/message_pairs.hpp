// A message relayed between two chats and its copy (table livechat_messages): the live chat's
// visitor chat and the operators' LINES chat, and the Network relay's private dialog and its LINES
// chat. Message ids are unique across chats, so the relays never read each other's rows; edits and
// deletions follow a message to its copy through these pairs.
#pragma once

#include <cstdint>
#include <string>

#include "im/message.hpp"
#include "store/store.hpp"

namespace imhub {

class Tx;  // im/change_feed.hpp

// Remembers that `lines_message` in the LINES chat is the copy of `client_message` (or the other way).
void pair_relayed_messages(Conn& c, int64_t client_message, int64_t lines_message);
// The other side's copy of a message (0 when it has none); `from_client` says which side it is on.
int64_t relayed_counterpart(Conn& c, int64_t message_id, bool from_client);

// Carries an edit or a deletion of a relayed message (`before` → `after`) to its copy `copy_id` (0
// when it has none, or the change is not to travel): the copy is deleted with it, or takes
// `copy_text` (the text as the other side shows it) when the text changed.
void follow_to_copy(Tx& tx, int64_t copy_id, const Message& before, const Message& after, bool deleted, bool complete,
                    const std::string& copy_text);

}  // namespace imhub
