// imhub's OAuth 2.0 endpoints for local applications (protocol.md §7.1, settings/oauth/*):
//
//   GET /oauth/authorize/?client_id=…&state=…  the user proves who they are, then is sent back
//       to the application's redirect URI with a one-use `code` (30 s), `state`, `domain`,
//       `member_id`, `scope` and `server_domain`. imhub has no browser login yet: the user
//       signs in with HTTP Basic `user_id:secret` of one of their inbound webhooks (a browser
//       session plugs in here later). Without a redirect URI the parameters are shown as JSON.
//   GET|POST /oauth/token/  grant_type=authorization_code | refresh_token, with client_id and
//       client_secret: the token response of §7.2, or {"error","error_description"}.
#pragma once

#include <string_view>

#include "rest/dispatcher.hpp"

namespace imhub {

bool is_oauth_route(std::string_view normalized_path);
HttpReply handle_oauth(Services& services, const HttpRequestView& request);

}  // namespace imhub
