#include "users/department.hpp"

#include <map>

#include "core/strings.hpp"
#include "users/sql_where.hpp"
#include "users/user_query.hpp"

namespace imhub {
namespace {

constexpr const char* kColumns = "id, name, sort, parent_id, head_id";

Department read_department(const Row& r) {
  Department d;
  d.id = r.i64(0);
  d.name = r.str(1);
  d.sort = r.i64(2);
  d.parent = r.opt_i64(3);
  d.head = r.opt_i64(4);
  return d;
}

SqlValue opt_value(const std::optional<int64_t>& v) { return v ? SqlValue(*v) : SqlValue(nullptr); }

// Filter and sort keys of department.get mapped to constant column names (the whitelist).
const std::map<std::string, const char*>& columns() {
  static const std::map<std::string, const char*> kColumnsByField = {
      {"ID", "id"}, {"NAME", "name"}, {"SORT", "sort"}, {"PARENT", "parent_id"}, {"UF_HEAD", "head_id"}};
  return kColumnsByField;
}

// One filter entry; values may be scalars or lists (IN). A non-integer for an integer field
// matches nothing rather than failing the call.
void add_condition(SqlWhere& w, const std::string& field, const char* column, const Value& value) {
  std::vector<const Value*> vals = value.is_array() ? value.elements() : std::vector<const Value*>{&value};
  std::string list;
  for (const Value* v : vals) {
    SqlValue bound;
    if (field == "NAME") {
      bound = v->to_string();
    } else {
      auto i = v->to_int();
      if (!i) continue;
      bound = *i;
    }
    list += (list.empty() ? "" : ", ") + w.bind(bound);
  }
  w.add(list.empty() ? "1=0" : std::string(column) + " IN (" + list + ")");
}

}  // namespace

std::optional<Department> find_department(Conn& c, int64_t id) {
  auto row = c.query_one(std::string("SELECT ") + kColumns + " FROM departments WHERE id = $1", {id});
  if (!row) return std::nullopt;
  return read_department(*row);
}

int64_t insert_department(Conn& c, Department& d) {
  auto row =
      c.query_one("INSERT INTO departments (name, sort, parent_id, head_id) VALUES ($1, $2, $3, $4) RETURNING id",
                  {d.name, d.sort, opt_value(d.parent), opt_value(d.head)});
  d.id = row->i64(0);
  return d.id;
}

void update_department(Conn& c, const Department& d) {
  c.exec("UPDATE departments SET name = $1, sort = $2, parent_id = $3, head_id = $4 WHERE id = $5",
         {d.name, d.sort, opt_value(d.parent), opt_value(d.head), d.id});
}

void delete_department(Conn& c, int64_t id) { c.exec("DELETE FROM departments WHERE id = $1", {id}); }

bool department_has_children(Conn& c, int64_t id) {
  return c.query_one("SELECT 1 FROM departments WHERE parent_id = $1 LIMIT 1", {id}).has_value();
}

bool department_has_users(Conn& c, int64_t id) {
  return c.query_one("SELECT 1 FROM user_departments WHERE department_id = $1 LIMIT 1", {id}).has_value();
}

bool department_within(Conn& c, int64_t id, int64_t ancestor) {
  // Walks up from `id`; the depth bound protects against a cycle already in the data.
  std::optional<int64_t> cur = id;
  for (int depth = 0; cur && depth < 1000; ++depth) {
    if (*cur == ancestor) return true;
    auto d = find_department(c, *cur);
    cur = d ? d->parent : std::nullopt;
  }
  return false;
}

DepartmentPage query_departments(Conn& c, const DepartmentListQuery& q, int64_t offset) {
  SqlWhere w;
  if (q.filter.is_map()) {
    const Map& m = q.filter.get_map();
    for (size_t i = 0; i < m.size(); ++i) {
      std::string field = to_upper(m.key_at(i));
      auto it = columns().find(field);
      if (it != columns().end()) add_condition(w, field, it->second, m.value_at(i));
    }
  }
  auto sort = columns().find(to_upper(q.sort));
  std::string order = std::string(sort == columns().end() ? "sort" : sort->second) + (q.desc ? " DESC" : " ASC");
  if (sort == columns().end() || sort->first != "ID") order += ", id ASC";
  DepartmentPage page;
  if (offset >= 0) page.total = c.query_one("SELECT COUNT(*) FROM departments" + w.sql(), w.args())->i64(0);
  std::string sql = std::string("SELECT ") + kColumns + " FROM departments" + w.sql() + " ORDER BY " + order +
                    " LIMIT " + std::to_string(kPageSize) + " OFFSET " + std::to_string(std::max<int64_t>(offset, 0));
  for (const Row& r : c.query(sql, w.args())) page.items.push_back(read_department(r));
  return page;
}

}  // namespace imhub
