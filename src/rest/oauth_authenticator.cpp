// The REST chain's authenticator for OAuth access tokens: apps/oauth_server checks the token,
// this maps its refusals to the platform's errors (protocol.md §7.4).
#include "api/services.hpp"
#include "apps/oauth_server.hpp"
#include "core/error_catalog.hpp"
#include "rest/auth.hpp"

namespace imhub {
namespace {

const ErrorSpec& refusal_error(TokenRefusal r) {
  switch (r) {
    case TokenRefusal::kExpired:
      return errors::kExpiredToken;
    case TokenRefusal::kApplicationGone:
      return errors::kApplicationNotFound;
    case TokenRefusal::kUserInactive:
      return errors::kAuthorizationError;
    default:
      return errors::kInvalidToken;
  }
}

class OAuthAuthenticator final : public Authenticator {
 public:
  CallerPtr authenticate(const Credentials& creds, Services& services) override {
    if (!creds.token) return nullptr;
    if (!services.oauth) throw ApiError(errors::kInvalidToken);
    TokenCheck check = services.oauth->check_access_token(*creds.token);
    if (!check.caller) throw ApiError(refusal_error(check.refusal));
    if (!creds.auth_connector || creds.auth_connector->empty()) return check.caller;
    // The connector varies per request while the verified caller is cached: attach a copy.
    auto with_connector = std::make_shared<Caller>(*check.caller);
    with_connector->auth_connector = *creds.auth_connector;
    return with_connector;
  }
};

}  // namespace

std::unique_ptr<Authenticator> make_oauth_authenticator() { return std::make_unique<OAuthAuthenticator>(); }

}  // namespace imhub
