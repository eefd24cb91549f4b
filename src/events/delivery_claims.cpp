#include "events/delivery_claims.hpp"

#include <unistd.h>

#include <cstdio>
#include <random>

namespace imhub {

LaneClaim claim_lane_head(Conn& c, const std::string& handler, const std::string& order_key, int64_t after,
                          const std::string& node, int64_t now_ms, int64_t until_ms) {
  // The head's own column is named head_id so that the unqualified columns of RETURNING are the
  // outbox row's. Only a head this node may claim is locked: FOR UPDATE keeps its lock until the
  // claiming group commits even when the UPDATE then leaves the row alone, and a head another node
  // holds (and is delivering) would make that node's DELETE of it wait for this node's commit.
  static const std::string kClaim =
      "WITH head AS (SELECT id AS head_id FROM event_outbox o WHERE order_key = $1 AND handler = $2 AND id > $3 "
      "AND (claimed_until IS NULL OR claimed_until <= $6 OR claimed_by = $4) "
      "AND NOT EXISTS (SELECT 1 FROM event_outbox p WHERE p.order_key = $1 AND p.handler = $2 AND p.id > $3 "
      "AND p.id < o.id) "
      "ORDER BY id LIMIT 1 FOR UPDATE OF o SKIP LOCKED) "
      "UPDATE event_outbox SET claimed_by = $4, claimed_until = $5 FROM head "
      "WHERE id = head_id AND (claimed_until IS NULL OR claimed_until <= $6 OR claimed_by = $4) "
      "RETURNING " +
      outbox_row().list();
  LaneClaim out;
  if (auto row = c.query_one(kClaim, {order_key, handler, after, node, until_ms, now_ms})) {
    out.state = LaneClaim::State::kClaimed;
    out.row = read_outbox_row(*row);
    return out;
  }
  // Nothing claimed: the lane is empty, or its head is held (another node's live claim, or being
  // claimed this instant: its row lock was skipped).
  auto head = c.query_one(
      "SELECT claimed_by, claimed_until FROM event_outbox WHERE order_key = $1 AND handler = $2 AND id > $3 "
      "ORDER BY id LIMIT 1",
      {order_key, handler, after});
  if (!head) return out;
  out.state = LaneClaim::State::kHeld;
  constexpr int64_t kContendedMs = 200;
  const int64_t until = head->is_null(1) ? 0 : head->i64(1);
  out.look_again_ms = until > now_ms && head->str(0) != node ? until : now_ms + kContendedMs;
  return out;
}

std::string make_claim_node() {
  std::random_device rd;
  const uint64_t r = (static_cast<uint64_t>(rd()) << 32) | rd();
  char buf[48];
  std::snprintf(buf, sizeof buf, "%lld-%016llx", static_cast<long long>(::getpid()),
                static_cast<unsigned long long>(r));
  return buf;
}

}  // namespace imhub
