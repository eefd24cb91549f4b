// The messenger's department object (im.department.get, im.search.department.list): id, short
// name, full name along the company structure, head (spec 002; reference im-department-get.md).
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "core/value.hpp"
#include "store/store.hpp"
#include "users/department.hpp"

namespace imhub {

using DepartmentTree = std::map<int64_t, Department>;

DepartmentTree load_department_tree(Conn& c);
// "Sales / Moscow branch / Company": the department, then each parent up to the root.
std::string department_full_name(const DepartmentTree& tree, int64_t id);
// {id, name, full_name, manager_user_id}; manager_user_id is 0 when the department has no head.
Value im_department_object(const DepartmentTree& tree, const Department& d);

}  // namespace imhub
