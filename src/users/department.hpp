// The company structure: departments form one tree under the root department (id 1, made by
// `imhub init`). Users belong to departments through user_departments.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "store/store.hpp"

namespace imhub {

struct Department {
  int64_t id = 0;
  std::string name;
  int64_t sort = 500;
  std::optional<int64_t> parent;  // none only for the root
  std::optional<int64_t> head;    // UF_HEAD: a user id
};

std::optional<Department> find_department(Conn& c, int64_t id);
int64_t insert_department(Conn& c, Department& d);
void update_department(Conn& c, const Department& d);
void delete_department(Conn& c, int64_t id);
bool department_has_children(Conn& c, int64_t id);
bool department_has_users(Conn& c, int64_t id);
// True when `id` is `ancestor` or lies below it: such a parent would make a cycle.
bool department_within(Conn& c, int64_t id, int64_t ancestor);

struct DepartmentListQuery {
  Value filter = Value::map();  // ID, NAME, SORT, PARENT, UF_HEAD (department-get.md)
  std::string sort = "SORT";
  bool desc = false;
};

struct DepartmentPage {
  std::vector<Department> items;
  std::optional<int64_t> total;  // absent when offset < 0
};

// Up to 50 departments from `offset` (protocol.md §5.1); a negative offset skips counting.
DepartmentPage query_departments(Conn& c, const DepartmentListQuery& q, int64_t offset);

}  // namespace imhub
