// Claims on outbox rows, for several nodes delivering from one PostgreSQL store.
//
// Each node runs its own delivery worker and lanes (lanes.hpp) over the whole outbox. Before a
// node sends a lane's head it claims it: one UPDATE sets claimed_by (the node) and claimed_until
// (now + the lease) on the lowest id of the lane, found with FOR UPDATE SKIP LOCKED so that nodes
// claiming at the same moment never wait for each other, and only if nothing lower is left in the
// lane (a head another node is claiming right now is skipped by SKIP LOCKED; its successor must
// not be taken instead) and the row is not held by another node's unexpired claim. So:
// - each row is sent by one node at a time: the holder, until it deletes the row (delivered) or
//   the lease runs out;
// - a lane's rows go out in id order, whichever node sends them (lanes mostly stay with the node
//   that took them: the others see a held head and look again when its lease ends);
// - a node killed mid-delivery leaves its claims to expire, and the other nodes take the rows
//   then (at-least-once, as after a restart on one node).
// The lease outlasts any request (DeliveryOptions::claim_lease_ms), so a live node never loses a
// claim it is using. PostgreSQL only: SQLite has one worker per store and never claims.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "events/outbox_row.hpp"
#include "store/store.hpp"

namespace imhub {

struct LaneClaim {
  enum class State { kClaimed, kEmpty, kHeld } state = State::kEmpty;
  std::optional<OutboxRow> row;  // kClaimed: the head, now ours
  int64_t look_again_ms = 0;     // kHeld: when the head may be free (its lease's end)
};

// In a write: claims the head of the lane (handler, order_key) among rows with id > `after` (this
// node's last delivered row of the lane, whose deletion may not be committed yet) for `node`
// until `until_ms`. A row already held by `node` is claimed again (a retry after backoff).
LaneClaim claim_lane_head(Conn& c, const std::string& handler, const std::string& order_key, int64_t after,
                          const std::string& node, int64_t now_ms, int64_t until_ms);

// A name for this node's claims, "<pid>-<random hex>" (an operator sees which process holds a row):
// random per run, so a restarted node does not mistake its dead
// predecessor's claims for its own (it waits for their lease like any other node).
std::string make_claim_node();

}  // namespace imhub
