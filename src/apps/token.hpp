// OAuth tokens of local applications: self-contained and signed, so checking one or minting
// one for an outgoing event needs no store round trip.
//
// A token is `base64url(claims) "." base64url(HMAC-SHA256(key, claims))`, where `claims` is the
// text `kind.app.user.generation.expires.event_ttl.nonce.scope`. The key is derived from the
// portal's master key (token_key), so a token cannot be forged without DATA/imhub.key.
// Revocation works through `generation`: uninstalling or reinstalling an application moves the
// application's generation, and every token carrying the old one is refused.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace imhub {

// Lifetimes of protocol.md §7.1/§7.2: access 1 h, refresh 180 days, authorization code 30 s.
constexpr int64_t kAccessTokenSeconds = 3600;
constexpr int64_t kRefreshTokenSeconds = int64_t{180} * 86400;
constexpr int64_t kAuthCodeSeconds = 30;

enum class TokenKind : char { kAccess = 'a', kRefresh = 'r' };

struct TokenClaims {
  TokenKind kind = TokenKind::kAccess;
  int64_t app_id = 0;
  int64_t user_id = 0;
  int64_t generation = 0;  // the application's install generation when issued
  int64_t expires = 0;     // unix seconds
  // Event-chain hop budget (protocol.md §6.3) left to calls made with this token; 0 for tokens
  // not issued for an event delivery (see apps/event_chain.hpp).
  int event_ttl = 0;
  std::string nonce;  // random hex: makes every token unique; the refresh token's id for rotation
  std::string scope;  // comma-separated, e.g. "im,imbot"
};

// The signing key for tokens, derived from the master key (64 hex characters).
std::string token_key(std::string_view master_key);

std::string sign_token(std::string_view key, const TokenClaims& claims);

// The claims of a well-formed token whose signature matches; nullopt for anything else
// (malformed, tampered, signed with another key). Expiry is not checked here.
std::optional<TokenClaims> verify_token(std::string_view key, std::string_view token);

}  // namespace imhub
