// The member bots of a chat as the write path of every message asks for them (bot_message_events.cpp),
// kept beside the writer's chat cache (im/write_path_cache.hpp): an entry is trusted while the
// chat's members_version and the connection's write epoch of `bots` are what they were when it
// was read, so a bot that joins, leaves, registers or changes shows at once.
#pragma once

#include <cstdint>
#include <vector>

#include "bots/bot.hpp"

namespace imhub {

// member_bots(c, chat_id), from the cache where the connection has one.
std::vector<Bot> write_path_member_bots(Conn& c, int64_t chat_id);

}  // namespace imhub
