// Broadcast (store/broadcast.hpp) over PostgreSQL's LISTEN/NOTIFY.
//
// One sending connection (its own thread: everything queued goes in one transaction of
// pg_notify() calls, synchronous_commit off, since nothing here is durable state) and one
// listening connection (its own thread). PostgreSQL delivers a notification after its
// transaction commits, to every listening session, in commit order: so all nodes see the
// payloads in the same order.
//
// NOTIFY's payload must be shorter than 8000 bytes. A longer one is written as a row of the
// unlogged table imhub_broadcast_spill in the same transaction, and the notification carries
// "@<row id>": listeners read the row (it is committed when the notification arrives). Rows are
// removed by the senders once they are kSpillKeepSeconds old.
#pragma once

#include <memory>
#include <string>

#include "store/broadcast.hpp"

namespace imhub {

inline constexpr size_t kNotifyPayloadMax = 7999;  // bytes: NOTIFY refuses 8000 and more
inline constexpr int64_t kSpillKeepSeconds = 300;

// `topic` is the NOTIFY channel (an identifier: letters, digits, '_').
std::unique_ptr<Broadcast> open_pg_broadcast(const std::string& url, const std::string& topic);

}  // namespace imhub
