// Mints the `auth` maps of outgoing events (protocol.md §8.4, §9.3). Implemented by the
// applications module; the delivery worker calls it when an event leaves, without a write:
// access tokens are self-contained and signed, so minting one costs no store round trip.
#pragma once

#include <cstdint>

#include "core/value.hpp"

namespace imhub {

class EventAuthIssuer {
 public:
  virtual ~EventAuthIssuer() = default;
  // The full token map of `user_id` for `app_id` (access_token, expires, expires_in, scope,
  // domain, server_endpoint, status, client_endpoint, member_id, user_id, application_token,
  // and refresh_token when `with_refresh`). `user_id` 0 gives the no-user form: domain,
  // client_endpoint, server_endpoint, member_id, application_token.
  virtual Value token_map(int64_t app_id, int64_t user_id, bool with_refresh) = 0;
  // token_map() for a token handed to an event handler: REST calls made with it carry the hop
  // budget `event_ttl` (protocol.md §6.3), and the events they cause are enqueued with
  // event_ttl - 1. The delivery worker calls this one; the default ignores the budget, so an
  // issuer that does not track hops still works (without loop protection).
  virtual Value event_token_map(int64_t app_id, int64_t user_id, bool with_refresh, int event_ttl) {
    return token_map(app_id, user_id, with_refresh);
  }
  // application_token of `app_id`; "" when the application is gone.
  virtual std::string application_token(int64_t app_id) = 0;
};

}  // namespace imhub
