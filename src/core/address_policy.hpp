// Which network addresses imhub may connect to on behalf of a user: the one address policy of
// link previews (im/url_fetch) and event delivery (events/http_poster). Pure functions over
// socket addresses; the callers apply them to every address they are about to connect to, after
// DNS resolution, so a name that resolves to a private address is caught as a literal one is.
#pragma once

#include <sys/socket.h>

#include <optional>
#include <string>
#include <string_view>

namespace imhub {

enum class AddressClass {
  kPublic,
  kLoopback,  // 127.0.0.0/8, ::1 (and their IPv6-embedded forms)
  kPrivate,   // everything else that is not public: RFC 1918, ULA, link-local, shared, reserved, ...
};

struct AddressVerdict {
  AddressClass cls = AddressClass::kPublic;
  // The range it fell in, for messages: "loopback 127.0.0.0/8", "private 10.0.0.0/8",
  // "link-local 169.254.0.0/16"; "" for a public address.
  const char* range = "";
};

// Unspecified, loopback, private (RFC 1918, ULA), shared (100.64/10), link-local, multicast,
// reserved, documentation and benchmarking ranges are not public, nor are IPv4 addresses of those
// ranges embedded in IPv6 (mapped, NAT64). An address of another family is kPrivate.
AddressVerdict classify_address(const sockaddr* address);
inline bool is_public_address(const sockaddr* address) {
  return classify_address(address).cls == AddressClass::kPublic;
}

// The address as text ("10.0.0.5", "fd00::1"); "" for another family.
std::string address_text(const sockaddr* address);

// `host` (a URL's host: "10.0.0.5", "[fd00::1]" or "fd00::1") as an address when it is an IP
// literal; nullopt for a name.
std::optional<sockaddr_storage> parse_ip_literal(std::string_view host);

}  // namespace imhub
