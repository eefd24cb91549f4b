// Sign-in endpoints (issue 13), JSON for the web client and a plain HTML form at /login until the
// client in web/ replaces it:
//   POST /auth/login {login, password}  → Set-Cookie + {sessid, user}
//   POST /auth/logout (sessid required) → the session is deleted, the cookie cleared
//   GET  /auth/session                  → {sessid, user} of the cookie's session, or 401
//   GET|POST /login                     → the form; a POST signs in and redirects (303)
#pragma once

#include <string_view>

#include "rest/dispatcher.hpp"
#include "users/login_throttle.hpp"

namespace imhub {

bool is_auth_route(std::string_view path);
LoginLimits login_limits(const Config& config);
HttpReply handle_auth(Services& services, LoginThrottle& throttle, const HttpRequestView& request);

}  // namespace imhub
