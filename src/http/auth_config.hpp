// [auth]: browser sign-in (sessions and the login throttle; http/auth_routes, rest/session_authenticator);
// [livechat]: the website live chat's guards (rest/livechat_authenticator, rest/livechat_gate).
#pragma once

#include "core/config.hpp"
#include "core/config_schema.hpp"

namespace imhub {

void describe_auth_config(ConfigSchema& schema, Config& c);

}  // namespace imhub
