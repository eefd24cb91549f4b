// The messenger's user object ("JSON-mode", lower-case keys): im.user.get, `users` of
// im.dialog.messages.get, im.dialog.users.list, recent and search items (spec 002 im.user.get,
// reference chats/users/im-user-get.md). Dates are ATOM; "not set" is `false`.
#pragma once

#include <cstdint>
#include <string>

#include "core/value.hpp"
#include "store/store.hpp"
#include "users/user.hpp"

namespace imhub {

struct Config;

struct ImUserOptions {
  // Spec 002 adds `avatar_hr` only for AVATAR_HR=Y; the reference shows it always, which is
  // what callers without the parameter get.
  bool avatar_hr = true;
  // Who asks: a webhook bot's bot_data.app_id ("custom<CLIENT_ID>") is shown only to the user who
  // registered it; 0 (unknown) shows it to no one.
  int64_t viewer_id = 0;
};

// The user's colour: a fixed pick from the chat palette, so it stays the same across calls.
std::string user_color_hex(int64_t user_id);

// The photo as an absolute URL: stored paths ("/upload/a.png") are put under the public URL;
// "" when there is none.
std::string avatar_url(const Config& s, const std::string& photo);

// `c` is an open read connection (presence is looked up through it).
Value im_user_object(Conn& c, const Config& s, const User& u);
Value im_user_object(Conn& c, const Config& s, const User& u, const ImUserOptions& opt);

}  // namespace imhub
