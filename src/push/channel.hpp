// Push channels (protocol-push.md §1, §2.3): a private channel per user and channel type, the
// portal's shared channel per type, and their signed and public forms. Type "private"/"shared"
// carries the im events; an application's type is its OAuth client id, so its frames never see
// the user's own channels. Ids are derived from the push key, so nothing is stored: the same
// user and type always get the same id on every node.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace imhub {

inline constexpr std::string_view kUserChannelType = "private";
inline constexpr int64_t kChannelTtl = 43205;  // seconds (CHANNEL_TTL, 12 h + 5 s)

// Where the push server listens on imhub's own port (the on-premise defaults, §3.3).
inline constexpr std::string_view kPushWebSocketPath = "/bitrix/subws/";
inline constexpr std::string_view kPushLongPollingPath = "/bitrix/sub/";
inline constexpr std::string_view kPushPublishPath = "/bitrix/pub/";

// The key every signature and token of the push server uses, derived from the master key.
std::string push_key(std::string_view master_key);

// 32 hex characters.
std::string private_channel(std::string_view key, int64_t user_id, std::string_view type = kUserChannelType);
std::string shared_channel(std::string_view key, std::string_view type = kUserChannelType);

// The signature of a public descriptor: a client may publish to `public_id` only with it. The
// public id is the channel id itself (reading a channel needs a token, not its id).
std::string public_signature(std::string_view key, std::string_view public_id);

// "<x>.<hex hmac of x>" and its constant-time check; returns x, or "" when the signature fails.
std::string sign_channel(std::string_view key, std::string_view x);
std::string verify_signed(std::string_view key, std::string_view signed_x);

}  // namespace imhub
