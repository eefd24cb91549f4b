// The POST body of one delivery attempt (protocol.md §8.2–§8.4, §9.3): {event, event_handler_id,
// data, ts, auth}, form-encoded. Tokens are minted here, at send time, so a retried event carries
// live tokens.
#pragma once

#include <cstdint>
#include <string>

#include "core/value.hpp"
#include "events/event_auth.hpp"
#include "events/outbox_row.hpp"

namespace imhub {

// What the no-user `auth` form says about the portal.
struct PortalIdentity {
  std::string domain;           // host[:port] of the public URL
  std::string client_endpoint;  // public URL + "/rest/"
  std::string server_endpoint;  // imhub is its own OAuth server: the same as client_endpoint
  std::string member_id;
};

PortalIdentity portal_identity(const std::string& public_url, const std::string& member_id);

// The event as a tree, with `auth` and every token slot filled. `issuer` may be null (no
// applications module): then every event gets the no-user form. `ts` is unix seconds. Takes
// the payload's data by move: a body is built once per attempt from a freshly read row.
Value event_tree(const OutboxRow& row, EventPayload&& payload, EventAuthIssuer* issuer, const PortalIdentity& portal,
                 int64_t ts);

// form_encode(event_tree(...)).
std::string event_body(const OutboxRow& row, EventPayload&& payload, EventAuthIssuer* issuer,
                       const PortalIdentity& portal, int64_t ts);

}  // namespace imhub
