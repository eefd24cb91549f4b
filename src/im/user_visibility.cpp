#include "im/user_visibility.hpp"

namespace imhub {

bool is_bot_user(const User& u) { return u.external_auth_id == "bot" || u.user_type == "bot"; }

bool is_intranet_user(const User& u) {
  if (is_bot_user(u) || u.user_type == "extranet" || u.user_type == "email") return false;
  return u.external_auth_id != "imconnector" && u.external_auth_id != "email" && u.external_auth_id != "replica";
}

bool can_see_user(Conn& c, const User& viewer, int64_t target_id) {
  if (viewer.user_type != "extranet" || viewer.id == target_id) return true;
  return c
      .query_one(
          "SELECT 1 FROM chat_members a JOIN chat_members b ON b.chat_id = a.chat_id "
          "WHERE a.user_id = $1 AND b.user_id = $2 LIMIT 1",
          {viewer.id, target_id})
      .has_value();
}

}  // namespace imhub
