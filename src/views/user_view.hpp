// The wire form of a user for user.get / user.search / user.current (user-get.md example):
// string IDs, boolean ACTIVE, ATOM dates, UF_DEPARTMENT as a list of integers.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "users/user.hpp"

namespace imhub {

enum class UserFieldSet {
  kFull,   // scope `user`
  kBasic,  // scope `user_basic` only (user-scope.md)
  kBrief,  // scope `user_brief` only: no contact details (user-scope.md)
};

struct UserViewOptions {
  UserFieldSet fields = UserFieldSet::kFull;
  std::vector<std::string> select;  // empty = everything allowed; "*" and "UF_*" masks
  int64_t now = 0;                  // for IS_ONLINE
  bool current = false;             // user.current: LAST_ACTIVITY_DATE as "Y-m-d H:i:s"
};

Value user_to_value(const User& u, const UserViewOptions& opt);

// The map of user.fields (user-fields.md).
Value user_field_titles();

// Normalises a date parameter (PERSONAL_BIRTHDAY, UF_EMPLOYMENT_DATE) to YYYY-MM-DD; "" for
// empty input; false when it is not a date.
bool normalize_user_date(const std::string& in, std::string& out);

}  // namespace imhub
