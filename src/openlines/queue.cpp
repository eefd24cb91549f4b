#include "openlines/queue.hpp"

#include <algorithm>
#include <limits>

#include "openlines/session.hpp"

namespace imhub {

// Sessions waiting for the client after a close (WAIT_CLIENT) no longer count.
bool under_chat_limit(Conn& c, const OpenLine& line, int64_t user_id) {
  const int64_t max = line.number("MAX_CHAT");
  if (max <= 0) return true;
  const bool answered_only = line.text("TYPE_MAX_CHAT") == "answered";
  auto r = c.query_one(std::string("SELECT COUNT(*) FROM openline_sessions WHERE operator_id = $1 AND line_id = $2 "
                                   "AND closed = 0 AND status < 50") +
                           (answered_only ? " AND answered = 1" : ""),
                       {user_id, line.id});
  return (r ? r->i64(0) : 0) < max;
}

void note_turn(Conn& c, int64_t line_id, int64_t user_id) {
  c.exec(
      "INSERT INTO openline_turns (line_id, user_id, turn) VALUES ($1, $2, "
      "(SELECT COALESCE(MAX(turn), 0) + 1 FROM openline_turns WHERE line_id = $1)) "
      "ON CONFLICT (line_id, user_id) DO UPDATE SET turn = "
      "(SELECT COALESCE(MAX(turn), 0) + 1 FROM openline_turns WHERE line_id = $1)",
      {line_id, user_id});
}

std::vector<int64_t> pick_operators(Conn& c, const OpenLine& line, const std::vector<int64_t>& exclude) {
  const bool check_online = line.flag("CHECK_AVAILABLE");
  std::vector<int64_t> available;
  for (const QueueMember& m : queue_members(c, line)) {
    if (std::find(exclude.begin(), exclude.end(), m.user_id) != exclude.end()) continue;
    if (check_online && !user_online(c, m.user_id)) continue;
    if (!under_chat_limit(c, line, m.user_id)) continue;
    available.push_back(m.user_id);
  }
  if (available.empty()) return {};
  const std::string type = line.text("QUEUE_TYPE");
  if (type == kQueueAll) return available;
  if (type == kQueueStrictly) return {available.front()};
  // evenly: the smallest turn (never given one: 0), queue order breaking ties.
  int64_t best = available.front();
  int64_t best_turn = std::numeric_limits<int64_t>::max();
  for (int64_t user : available) {
    auto r = c.query_one("SELECT turn FROM openline_turns WHERE line_id = $1 AND user_id = $2", {line.id, user});
    const int64_t turn = r ? r->i64(0) : 0;
    if (turn < best_turn) {
      best_turn = turn;
      best = user;
    }
  }
  return {best};
}

}  // namespace imhub
