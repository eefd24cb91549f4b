// The address rules (events/handler_policy.hpp) for a handler URL a REST call registers: an
// administrator's handlers may be at loopback addresses, anyone's anywhere with
// `[events] allow_private`. Handlers an administrator registers are recorded as trusted
// (events/handler_trust.hpp) in the same write, so the delivery worker applies the same rule.
#pragma once

#include <string>
#include <vector>

#include "api/registry.hpp"
#include "api/services.hpp"
#include "events/handler_policy.hpp"
#include "events/handler_trust.hpp"

namespace imhub {

inline HandlerAddressRules handler_rules(const MethodCall& call) {
  return {call.services.config.events_allow_private, call.caller.is_admin};
}

// Inside the registration's write transaction.
inline void trust_if_admin(Conn& w, const MethodCall& call, const std::vector<std::string>& urls) {
  if (call.caller.is_admin) trust_handlers(w, urls, call.caller.user_id);
}

}  // namespace imhub
