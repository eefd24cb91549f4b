// Loop protection for event chains (protocol.md §6.3): an event carries a hop budget that
// starts at 7; the token minted for its delivery remembers that budget, and events caused by
// calls made with that token get one hop less. At 0 nothing is sent, so two applications
// answering each other's events cannot loop forever.
#pragma once

#include "core/caller.hpp"
#include "im/change_feed.hpp"

namespace imhub {

constexpr int kEventSessionTtl = 7;  // CRestUtil::HANDLER_SESSION_TTL

// What to put into OutboxEvent::event_ttl for an event caused by a call from `caller`. Callers
// outside a chain (webhooks, tokens from /oauth/token/) start a fresh one. 0 means: do not
// send.
inline int event_ttl_for(const Caller& caller) {
  if (caller.event_ttl <= 0) return kEventSessionTtl;
  return caller.event_ttl - 1;
}

// The cause of the changes a call makes: its user, hop budget and offline-queue connector.
inline Cause event_cause(const Caller& caller) {
  return Cause{caller.user_id, event_ttl_for(caller), caller.auth_connector};
}

}  // namespace imhub
