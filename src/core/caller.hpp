// Who is calling: the result of authentication, the only identity method code sees.
// Webhooks, OAuth application tokens and browser sessions all produce a Caller, so methods
// never need to know how the caller proved who it is.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace imhub {

// kLivechat: a website visitor of the live chat (rest/livechat_authenticator.cpp), user_id 0 while
// still a guest; only the methods of protocol-openlines.md §8.2 admit it.
enum class AuthKind { kNone, kWebhook, kOAuth, kSession, kLivechat };

struct Caller {
  AuthKind kind = AuthKind::kNone;
  int64_t user_id = 0;
  bool is_admin = false;
  int64_t webhook_id = 0;  // kWebhook
  int64_t app_id = 0;      // kOAuth: the local application
  std::string client_id;   // kOAuth
  std::vector<std::string> scopes;
  // Event-chain hop budget carried by tokens issued for event delivery (protocol.md §6.3): the
  // budget of the event the token was minted for; 0 when the credential is not such a token.
  // Events the call causes get apps/event_chain.hpp's event_ttl_for(caller).
  int event_ttl = 0;
  // kOAuth: the request's `auth_connector` (offline-event source key, protocol.md §1.4).
  std::string auth_connector;
  // kLivechat: the client's address (guests are told apart by it for rate limits), and the hash
  // the visitor presented (widget.user.get echoes it; never logged, never stored in clear).
  std::string address;
  std::string livechat_hash;

  bool has_scope(std::string_view scope) const {
    return std::find(scopes.begin(), scopes.end(), scope) != scopes.end();
  }
  // Key for rate limits and per-credential accounting: "webhook:7", "app:3".
  std::string credential_key() const {
    switch (kind) {
      case AuthKind::kWebhook:
        return "webhook:" + std::to_string(webhook_id);
      case AuthKind::kOAuth:
        return "app:" + std::to_string(app_id);
      case AuthKind::kSession:
        return "session:" + std::to_string(user_id);
      case AuthKind::kLivechat:
        return user_id > 0 ? "livechat:" + std::to_string(user_id) : "livechat:guest:" + address;
      default:
        return "anonymous";
    }
  }
  // Owner of app.option.* values: the application, or the webhook standing in for one.
  std::string option_owner() const {
    return kind == AuthKind::kOAuth ? "app:" + std::to_string(app_id) : credential_key();
  }
};

// Callers are immutable once verified and shared: a cached one is handed out without a copy.
using CallerPtr = std::shared_ptr<const Caller>;

}  // namespace imhub
