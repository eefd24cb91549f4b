// user.get / user.search filtering: turns a Bitrix24 FILTER map (keys with prefix operators,
// user-get.md) into SQL over whitelisted columns, and reads one page of users.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "store/store.hpp"
#include "users/user.hpp"

namespace imhub {

// A user counts as online for this long after their last activity.
constexpr int64_t kOnlineSeconds = 15 * 60;
constexpr int64_t kPageSize = 50;  // protocol.md §5.1

struct UserListQuery {
  Value filter = Value::map();  // FILTER keys ("!%LAST_NAME") → values
  std::string sort = "ID";      // a user field name; unknown names fall back to ID
  bool desc = false;
  bool include_inactive = false;  // ADMIN_MODE by an administrator
  bool search = false;            // user.search: FIND wins, names match by prefix
};

struct UserPage {
  std::vector<User> users;       // departments filled
  std::optional<int64_t> total;  // absent when counting was skipped (offset < 0)
};

// Operator prefix of a filter key, split from the field name (upper-cased).
struct FilterKey {
  std::string op;  // "", "=", "!", "!=", ">", ">=", "<", "<=", "@", "!@", "%", "=%", "%=", "!%", "!=%", "!%="
  std::string field;
};
FilterKey split_filter_key(const std::string& key);

// Reads up to kPageSize users from `offset`; a negative offset reads the first page and skips the count.
UserPage query_users(Conn& c, const UserListQuery& q, int64_t offset, int64_t now);

// True when `field` is a column user.get can sort by.
bool is_user_sort_field(const std::string& field);

}  // namespace imhub
