// What the connector's application hears of a LINES chat (protocol-openlines.md §6; reference
// imconnector/events/*.md, openlines/events/on-open-line-message-add.md): the messages the client
// should see (ONIMCONNECTORMESSAGEADD, signed with the author's name unless the connector registered
// NEED_SIGNATURE=N or the line has OPERATOR_DATA=hide; nothing in silent mode), OnOpenLineMessageAdd
// for every message of the chat but its notices, and the edits and deletions of the messages the
// connector reported delivered. Each runs inside the caller's write transaction.
#pragma once

#include <cstdint>

#include "im/change_feed.hpp"
#include "im/chat.hpp"
#include "im/message.hpp"
#include "openlines/session.hpp"

namespace imhub {

void relay_to_connector(Tx& tx, const Chat& chat, const Session& s, int64_t message_id, const NewMessage& m);
void open_line_message_event(Tx& tx, const Chat& chat, const Session& s, int64_t message_id, const NewMessage& m);
// An operator edited or deleted a message of a LINES chat (ONIMCONNECTORMESSAGEUPDATE / …DELETE).
void on_lines_message_changed(Tx& tx, const Message& before, const Message& after, bool deleted);

}  // namespace imhub
