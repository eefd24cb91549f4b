// Where event handlers may be: the address policy of core/address_policy applied to handler URLs
// (issue 17, SSRF). Public addresses always; loopback only for handlers an administrator or the
// local CLI registered (see handler_trust.hpp) or with `[events] allow_private`; private,
// link-local and every other non-public range only with `[events] allow_private`. Checked where
// the address is literal at registration, and on every connection at delivery, after DNS.
#pragma once

#include <sys/socket.h>

#include <string>
#include <string_view>

namespace imhub {

struct HandlerAddressRules {
  bool allow_private = false;  // [events] allow_private
  bool trusted = false;        // registered by an administrator or the CLI: loopback is allowed
};

// "" when a connection to `address` is allowed; otherwise why not, naming the address, the range
// and the setting ("10.0.0.5 is private 10.0.0.0/8 (allowed only with [events] allow_private)").
std::string handler_address_refusal(const sockaddr* address, const HandlerAddressRules& rules);

// The same rule at registration, for a URL whose host is an IP literal or `localhost`; "" for a
// host name, which is checked when it is resolved at delivery.
std::string handler_url_refusal(std::string_view url, const HandlerAddressRules& rules);

// The URL without its query and fragment, for logs: a webhook bot's handler carries its CLIENT_ID
// in the query, and handlers often carry tokens there.
std::string loggable_handler(std::string_view url);

}  // namespace imhub
