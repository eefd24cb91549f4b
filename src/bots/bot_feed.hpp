// How bots hear the messenger (protocol.md §9.2–§9.5): one in-transaction subscriber of the
// change feed turns the changes bots care about into bot events (bots/bot_hooks.hpp), so their
// outbox rows are durable exactly when the change is. Messages, edits and deletions written by
// bots, and the chats' own system messages, never reach bots.
#pragma once

#include "im/change_feed.hpp"

namespace imhub {

void subscribe_bots(ChangeFeed& feed);

}  // namespace imhub
