#include "im/department_view.hpp"

#include <set>

namespace imhub {

DepartmentTree load_department_tree(Conn& c) {
  DepartmentTree tree;
  for (const Row& r : c.query("SELECT id, name, sort, parent_id, head_id FROM departments")) {
    Department d;
    d.id = r.i64(0);
    d.name = r.str(1);
    d.sort = r.i64(2);
    d.parent = r.opt_i64(3);
    d.head = r.opt_i64(4);
    tree.emplace(d.id, std::move(d));
  }
  return tree;
}

std::string department_full_name(const DepartmentTree& tree, int64_t id) {
  std::string out;
  std::set<int64_t> seen;  // a cycle in stored data must not hang the call
  std::optional<int64_t> cur = id;
  while (cur && seen.insert(*cur).second) {
    auto it = tree.find(*cur);
    if (it == tree.end()) break;
    out += (out.empty() ? "" : " / ") + it->second.name;
    cur = it->second.parent;
  }
  return out;
}

Value im_department_object(const DepartmentTree& tree, const Department& d) {
  Value v = Value::map();
  v["id"] = d.id;
  v["name"] = d.name;
  v["full_name"] = department_full_name(tree, d.id);
  v["manager_user_id"] = d.head.value_or(0);
  return v;
}

}  // namespace imhub
