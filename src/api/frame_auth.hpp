// The tokens an app frame of the browser messenger opens with (protocol-frame.md §1.2, §3.1):
// the application's OAuth tokens for the signed-in user, minted like any other (apps/token.hpp,
// one hour, with a refresh token), plus what getInitData carries beside them. Used by
// imhub.messenger.placement.auth (IM_* placements) and imhub.messenger.app.auth (IFRAME chat apps
// of an application's bot).
#pragma once

#include <cstdint>

#include "api/registry.hpp"
#include "core/value.hpp"

namespace imhub {

// Where the messenger's own methods (imhub.messenger.*) are documented.
inline constexpr const char* kMessengerDoc = "docs/operations.md#the-messengers-extensions";

// Throws WRONG_AUTH_TYPE (403) unless the caller is a browser session: an application or a
// webhook must not mint another application's tokens.
void require_frame_session(const MethodCall& call);

// {access_token, refresh_token, expires_in, expires, scope, domain, member_id, status, user_id,
// client_endpoint, server_endpoint, is_admin, user_options, app_options} of application `app_id`
// for the caller; APP_NOT_FOUND (400) when it is not installed and active. The application token
// (which signs events) is left out: a frame has no use for it.
Value frame_auth(const MethodCall& call, int64_t app_id);

}  // namespace imhub
