// How open lines hear the messenger (protocol-openlines.md §3–§7): one in-transaction subscriber
// of the change feed. A message in a LINES chat moves its session (the client wrote, an operator
// replied, the client's "0") and goes out to the connector's application; edits and deletions of
// what was sent out follow it; an uninstalled application's connectors go with it; the live chat's visitor and operator
// chats are kept in step (openlines/livechat_relay.hpp).
#pragma once

#include "im/change_feed.hpp"

namespace imhub {

void subscribe_openlines(ChangeFeed& feed);

}  // namespace imhub
