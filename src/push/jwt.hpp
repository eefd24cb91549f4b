// The subscription token of server version 5 (protocol-push.md §2.3): an HS256 JWT whose `chan`
// claim lists the unsigned channel ids its holder may read. The SDK only copies it into the
// `token=` query parameter; the WebSocket endpoint verifies it (constant time) and its expiry.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace imhub {

struct PushToken {
  std::string issuer;                 // iss: the portal host
  int64_t user_id = 0;                // sub
  std::vector<std::string> channels;  // chan
  std::string type;                   // ctyp: the channel type ("private" or an application's client id)
  int64_t issued_at = 0;
  int64_t expires = 0;
};

std::string make_push_jwt(std::string_view key, const PushToken& token);
// The token's claims when the signature matches and `now` is before `exp`.
std::optional<PushToken> verify_push_jwt(std::string_view key, std::string_view jwt, int64_t now);

}  // namespace imhub
