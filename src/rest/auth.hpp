// Authentication: credentials taken from the request once, then a chain of authenticators.
// Each either claims the request (returns a Caller or throws its error) or says "not mine";
// when none claims it the answer is NO_AUTH_FOUND (protocol.md §1.4). OAuth tokens and browser
// sessions plug in as further authenticators without touching method code.
#pragma once

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "core/caller.hpp"
#include "core/config.hpp"
#include "users/session.hpp"

namespace imhub {

struct Services;

struct Credentials {
  std::optional<std::string> webhook_user;    // path segment or `aplogin`
  std::optional<std::string> webhook_secret;  // path segment or `ap`
  std::optional<std::string> token;           // Authorization: Bearer, `auth`, `access_token`
  std::optional<std::string> session;         // browser session cookie
  std::optional<std::string> csrf;            // `sessid` or X-Bitrix-Csrf-Token (session auth)
  std::optional<std::string> auth_connector;  // offline-event source key (protocol.md §1.4)
  std::optional<std::string> livechat;        // `livechat_auth_id`: "guest" or a visitor's hash (§8.2)
  std::string remote;                         // the client's address
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  // Null when the credentials are not this authenticator's kind.
  virtual CallerPtr authenticate(const Credentials& creds, Services& services) = 0;
};

class Auth {
 public:
  void add(std::unique_ptr<Authenticator> a) { chain_.push_back(std::move(a)); }
  // Throws ApiError (NO_AUTH_FOUND when nobody claims the request).
  CallerPtr authenticate(const Credentials& creds, Services& services) const;

 private:
  std::vector<std::unique_ptr<Authenticator>> chain_;
};

std::unique_ptr<Authenticator> make_webhook_authenticator();
// OAuth access tokens of local applications (`auth`, `access_token`, `Authorization: Bearer`),
// checked by `services.oauth`; claims every request that carries a token.
std::unique_ptr<Authenticator> make_oauth_authenticator();
// Browser sessions (rest/session_cookie.hpp): claims every request that carries the session
// cookie and no other credential; the CSRF token must match (session_failed otherwise).
std::unique_ptr<Authenticator> make_session_authenticator();
// Live-chat visitors (protocol-openlines.md §8.2): claims every request with `livechat_auth_id`.
// Which methods a visitor may call is rest/livechat_gate.hpp's.
std::unique_ptr<Authenticator> make_livechat_authenticator(const Config& config);
// [auth]'s session lifetimes.
SessionPolicy session_policy(const Config& config);

}  // namespace imhub
