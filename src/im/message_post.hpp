// The one way a message enters a chat — a person's, a bot's or the chat's own system message
// (protocol.md §12): it is appended and MessageAdded is raised, so bots, applications and the
// realtime push all learn of it from the change feed.
#pragma once

#include <cstdint>
#include <functional>

#include "im/change_feed.hpp"
#include "im/chat.hpp"
#include "im/message.hpp"

namespace imhub {

// Appends `m` to `chat` (as loaded before the append) and returns its id: the chat's sequence
// and last message move, and the author (when a member) has read the chat up to it. `by_bot`
// says a bot wrote it (bots never hear what bots write). `belongs` runs with the new id before the
// change is raised, for what is part of the message (its files).
int64_t post_message(Tx& tx, const Chat& chat, const NewMessage& m, bool by_bot = false,
                     const std::function<void(int64_t id)>& belongs = nullptr);
// The same for a chat known by id; throws StoreError when it does not exist.
int64_t post_message(Tx& tx, const NewMessage& m, bool by_bot = false);

}  // namespace imhub
