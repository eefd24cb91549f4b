#include "im/department_people.hpp"

#include <set>

namespace imhub {
namespace {

bool is_active_person(Conn& c, int64_t user_id) {
  return c.query_one("SELECT 1 FROM users WHERE id = $1 AND active = 1 AND external_auth_id <> 'bot'", {user_id})
      .has_value();
}

// The department and everything below it.
std::set<int64_t> subtree(const DepartmentTree& tree, int64_t root) {
  std::set<int64_t> out{root};
  bool grew = true;
  while (grew) {
    grew = false;
    for (const auto& [id, d] : tree)
      if (d.parent && out.count(*d.parent) && out.insert(id).second) grew = true;
  }
  return out;
}

// Heads of the department and of every department above it.
void add_heads_upwards(const DepartmentTree& tree, int64_t id, std::set<int64_t>& into) {
  std::set<int64_t> seen;
  std::optional<int64_t> cur = id;
  while (cur && seen.insert(*cur).second) {
    auto it = tree.find(*cur);
    if (it == tree.end()) break;
    if (it->second.head) into.insert(*it->second.head);
    cur = it->second.parent;
  }
}

}  // namespace

std::vector<int64_t> department_employees(Conn& c, int64_t department_id) {
  std::vector<int64_t> out;
  for (const Row& r :
       c.query("SELECT u.id FROM user_departments ud JOIN users u ON u.id = ud.user_id WHERE ud.department_id = $1 AND "
               "u.active = 1 ORDER BY u.id",
               {department_id}))
    out.push_back(r.i64(0));
  return out;
}

std::vector<int64_t> department_managers(Conn& c, const Department& d) {
  if (d.head && is_active_person(c, *d.head)) return {*d.head};
  return {};
}

std::vector<int64_t> colleagues_of(Conn& c, const User& u) {
  const DepartmentTree tree = load_department_tree(c);
  std::set<int64_t> departments(u.departments.begin(), u.departments.end());
  std::set<int64_t> people;
  for (int64_t d : u.departments) add_heads_upwards(tree, d, people);
  for (const auto& [id, d] : tree)
    if (d.head == u.id) {
      for (int64_t sub : subtree(tree, id)) {
        departments.insert(sub);
        if (const auto& head = tree.at(sub).head) people.insert(*head);
      }
    }
  for (int64_t d : departments)
    for (int64_t id : department_employees(c, d)) people.insert(id);
  people.erase(u.id);
  std::vector<int64_t> out;
  for (int64_t id : people)
    if (is_active_person(c, id)) out.push_back(id);
  return out;
}

}  // namespace imhub
