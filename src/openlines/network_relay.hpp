// Bitrix24.Network's relay for local lines (docs/openlines.md "Bitrix24.Network"): what a user
// writes to a line's network bot in their private dialog reaches the line as a session of the
// built-in `network` connector — a LINES chat with ENTITY_ID "network|<line>|<private dialog
// chat>|<user>", opened with its session by the first message as for any connector (queue,
// welcome bot, timers) — and what the operators, bots and the line say there for the client comes
// back into that private dialog as the network bot's messages. Silent-mode messages and the
// operators' notices stay in the LINES chat. Each message and its copy are paired in the store,
// so an edit or a deletion of either side's own message follows to the other.
//
// On the platform the user reaches another portal's line through the Network, where they are a
// connector user; here they are a portal user of the same server. They stay the session's client
// (its USER_ID, the chat's author, the one whose messages move its status) without becoming a
// member of the LINES chat: the operators' side reaches none of their pushes, their own private
// dialog keeps its ordinary ones, and they never count as an operator of their chat.
//
// In-transaction subscribers of the change feed (openlines/openlines_feed.cpp).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

#include "im/change_feed.hpp"

namespace imhub {

inline constexpr std::string_view kNetworkConnector = "network";

void relay_network_message(Tx& tx, const Chat& chat, int64_t message_id, const NewMessage& m, bool by_bot);
void relay_network_change(Tx& tx, const Message& before, const Message& after, bool deleted, bool complete);

// Typing on one side shown on the other: the user's, to the bot in their private dialog, in the LINES
// chat when the line's WATCH_TYPING is on; an operator's in the LINES chat as the network bot typing in
// the private dialog (never in silent mode). nullopt for any other chat.
struct NetworkTyping {
  int64_t chat_id = 0;
  int64_t user_id = 0;  // who is shown typing there: the user, or the network bot for an operator
};
std::optional<NetworkTyping> network_typing_echo(Conn& c, const Chat& chat, int64_t user_id);

}  // namespace imhub
