// imhub as its own OAuth 2.0 authorization server for local applications (protocol.md §7):
// authorization codes, the token endpoint's two grants, access-token checks for the REST auth
// chain, and the `auth` maps of outgoing events (EventAuthIssuer).
//
// Tokens are signed, not stored (apps/token.hpp): checking or minting one costs an HMAC and a
// look-up in the in-memory application cache. The store is written only for authorization
// codes (one use, 30 s) and for spent refresh tokens (rotation: each is accepted once).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "apps/application.hpp"
#include "apps/token.hpp"
#include "core/caller.hpp"
#include "core/thread_cache.hpp"
#include "core/value.hpp"
#include "events/event_auth.hpp"
#include "store/store.hpp"

namespace imhub {

class UserCache;

// Where this portal is: what tokens and token responses name.
struct OAuthSite {
  std::string public_url;  // "<scheme>://<host>[:port]"
  std::string domain;      // host[:port]
  std::string member_id;
};

// Why an access token was refused (rest/ maps each to its platform error).
enum class TokenRefusal {
  kNone,
  kInvalid,  // malformed, forged, not an access token, or revoked by a reinstall
  kExpired,
  kApplicationGone,  // uninstalled or inactive
  kUserInactive,
};
struct TokenCheck {
  CallerPtr caller;  // set when refusal is kNone
  TokenRefusal refusal = TokenRefusal::kNone;
};

// An error of the token endpoint: `{"error", "error_description"}` with its HTTP status
// (settings/oauth/error-codes.md): invalid_request 400, invalid_client 401, invalid_grant 400.
struct OAuthError {
  std::string error;
  std::string description;
  int status = 400;
};

class OAuthServer final : public EventAuthIssuer {
 public:
  OAuthServer(Store& store, UserCache& users, OAuthSite site, std::string_view master_key);

  // The application, from a per-thread cache trusted while the apps table is unchanged.
  std::shared_ptr<const App> app(int64_t id);

  // The caller an access token stands for, or why it is refused.
  TokenCheck check_access_token(const std::string& token);

  // /oauth/authorize/: stores a one-use code for `user_id` (30 s) and returns it.
  std::string create_code(const App& app, int64_t user_id);
  // /oauth/token/: the token response (protocol.md §7.2) or an OAuthError.
  struct GrantResult {
    Value response;
    std::optional<OAuthError> error;
  };
  GrantResult grant_authorization_code(std::string_view client_id, std::string_view client_secret,
                                       std::string_view code);
  GrantResult grant_refresh_token(std::string_view client_id, std::string_view client_secret,
                                  std::string_view refresh_token);

  // EventAuthIssuer
  Value token_map(int64_t app_id, int64_t user_id, bool with_refresh) override;
  Value event_token_map(int64_t app_id, int64_t user_id, bool with_refresh, int event_ttl) override;
  std::string application_token(int64_t app_id) override;

  // "<public URL>/rest/"; imhub is both the portal and the authorization server.
  std::string rest_endpoint() const;
  std::string domain() const;
  const std::string& member_id() const;

  // Mints a signed token (exposed for tests).
  std::string mint(const App& app, TokenKind kind, int64_t user_id, int event_ttl) const;

 private:
  Value tokens_for(const App& app, int64_t user_id, bool with_refresh, int event_ttl, bool for_event);
  Value no_user_map(const App& app) const;
  bool user_active(int64_t user_id) const;

  struct CachedCaller {
    CallerPtr caller;
    int64_t expires = 0;
  };
  Store& store_;
  UserCache& users_;
  const OAuthSite site_;
  const std::string key_;
  ThreadCache<int64_t, std::shared_ptr<const App>> apps_{4096};
  ThreadCache<std::string, CachedCaller> callers_{4096};
};

}  // namespace imhub
