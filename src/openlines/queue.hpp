// Who gets a session next (protocol-openlines.md §3.3; QUEUE_TYPE, CHECK_AVAILABLE, MAX_CHAT,
// TYPE_MAX_CHAT of the line):
//   - evenly: the available operator who least recently got a session of the line (ties: queue
//     order);
//   - strictly: the first available operator in queue order;
//   - all: every available operator at once; the first to answer keeps the session.
// Available: in the resolved queue, not excluded, online when CHECK_AVAILABLE=Y, and under
// MAX_CHAT open sessions of the line (counting answered ones only with TYPE_MAX_CHAT=answered).
// Every count is an index lookup of one operator's open sessions, so the cost does not grow with
// the sessions in the store.
#pragma once

#include <cstdint>
#include <vector>

#include "openlines/line.hpp"
#include "store/store.hpp"

namespace imhub {

// The operators to give a session to, per QUEUE_TYPE (several only for `all`); empty when
// nobody is available.
std::vector<int64_t> pick_operators(Conn& c, const OpenLine& line, const std::vector<int64_t>& exclude);

// Records that `user_id` got a session of the line now (evenly takes turns by it).
void note_turn(Conn& c, int64_t line_id, int64_t user_id);

// Whether `user_id` may take one more session of the line (MAX_CHAT).
bool under_chat_limit(Conn& c, const OpenLine& line, int64_t user_id);

}  // namespace imhub
