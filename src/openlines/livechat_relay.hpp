// The live chat's relay (protocol-openlines.md §8.4, §9.4): what the visitor writes in their
// LIVECHAT chat is posted, as the visitor, in the line's LINES chat (created with a session by the
// first message, as for any connector); what the operators, bots and the line say there for the
// client is copied into the visitor's chat. Silent-mode messages and the operators' notices stay
// in the LINES chat. Each message and its copy are paired in the store, so an edit or a deletion
// of either side's own message follows to the other.
//
// Who the visitor sees as the author follows the line's OPERATOR_DATA: `profile` shows the
// operator; `queue` and `hide` post the copy as the line itself (author 0, the class of the line's
// automatic messages), so the visitor learns no operator's identity.
//
// In-transaction subscribers of the change feed (openlines/openlines_feed.cpp).
#pragma once

#include <cstdint>

#include "im/change_feed.hpp"

namespace imhub {

void relay_livechat_message(Tx& tx, const Chat& chat, int64_t message_id, const NewMessage& m, bool by_bot);
void relay_livechat_change(Tx& tx, const Message& before, const Message& after, bool deleted, bool complete);

}  // namespace imhub
