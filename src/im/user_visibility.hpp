// Who may see whom in the messenger, and who counts as an intranet user (im.department.*:
// "any intranet user, except bots"; im.user.get: extranet users see only their own circle).
#pragma once

#include <cstdint>

#include "store/store.hpp"
#include "users/user.hpp"

namespace imhub {

bool is_bot_user(const User& u);
// An employee of the company: not extranet, not a bot, not an Open Channels or e-mail guest.
bool is_intranet_user(const User& u);
// Extranet users have no workgroups here, so their circle is the people they share a chat with
// (reference im-user-get.md: "You can request only users who are part of your extranet group").
bool can_see_user(Conn& c, const User& viewer, int64_t target_id);

}  // namespace imhub
