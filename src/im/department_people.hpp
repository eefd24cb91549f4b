// People of departments as the messenger sees them (im.department.*): employees, heads, and a
// user's colleagues. Only active people count.
#pragma once

#include <cstdint>
#include <vector>

#include "im/department_view.hpp"
#include "store/store.hpp"
#include "users/user.hpp"

namespace imhub {

// Active members of the department itself (not of its sub-departments), ascending.
std::vector<int64_t> department_employees(Conn& c, int64_t department_id);

// The department's head when there is one and they are active.
std::vector<int64_t> department_managers(Conn& c, const Department& d);

// The people in the user's departments and the heads above them; for a head, also everyone in
// the departments they lead, down the tree (reference im-department-colleagues-list.md:
// "For a manager, the method will return a list of subordinates and all supervisors").
// Without the user, ascending.
std::vector<int64_t> colleagues_of(Conn& c, const User& u);

}  // namespace imhub
