// department.* methods (scope `department`). Reference pages: api-reference/departments/*.md.
// The tree rules and SQL live in users/department.
#include "users/department.hpp"
#include "api/common.hpp"
#include "core/error_catalog.hpp"
#include "users/user.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/departments/";

// The pages' error tables: everything is ERROR_CORE with HTTP 400.
// Not in the pages; these keep the tree whole and the head a real person.

Value department_to_value(const Department& d) {
  Value v = Value::map();
  v["ID"] = std::to_string(d.id);
  v["NAME"] = d.name;
  v["SORT"] = d.sort;
  if (d.parent) v["PARENT"] = std::to_string(*d.parent);
  if (d.head) v["UF_HEAD"] = std::to_string(*d.head);
  return v;
}

// department-get.md documents both `sort` (a field name) and `SORT` (a filter on the sort
// value); an integer is the filter, anything else names the field to sort by.
bool is_sort_field_name(const Value& v) { return v.is_scalar() && !v.to_int(); }

MethodResult department_get(MethodCall& call) {
  DepartmentListQuery q;
  const Map& m = call.params.is_map() ? call.params.get_map() : Map();
  for (size_t i = 0; i < m.size(); ++i) {
    std::string key = to_upper(m.key_at(i));
    const Value& v = m.value_at(i);
    if (key == "SORT" && is_sort_field_name(v))
      q.sort = v.to_string();
    else if (key == "ORDER")
      q.desc = iequals(v.to_string(), "DESC");
    else if (key == "FILTER" && v.is_map())
      for (size_t j = 0; j < v.get_map().size(); ++j) q.filter[v.get_map().key_at(j)] = v.get_map().value_at(j);
    else
      q.filter[key] = v;
  }
  DepartmentPage page = call.services.store.read_with([&](Conn& c) { return query_departments(c, q, call.start); });
  Value list = Value::list();
  for (const Department& d : page.items) list.push_back(department_to_value(d));
  MethodResult r(std::move(list));
  r.total = page.total;
  int64_t offset = std::max<int64_t>(call.start, 0);
  int64_t end = offset + static_cast<int64_t>(page.items.size());
  if (page.total && end < *page.total) r.next = end;
  return r;
}

void require_admin(const MethodCall& call) {
  if (!call.caller.is_admin) throw ApiError(errors::kAccessDeniedDepartment);
}

std::string name_param(const MethodCall& call) {
  std::string name(trim(call.param("NAME").to_string()));
  if (name.empty()) throw ApiError(errors::kNameMissing);
  return name;
}

// PARENT must name an existing department: the root is the only department without one.
int64_t parent_param(Conn& c, const MethodCall& call) {
  auto parent = call.param("PARENT").to_int();
  if (!parent || *parent <= 0 || !find_department(c, *parent)) throw ApiError(errors::kOneTopLevel);
  return *parent;
}

// UF_HEAD: empty or 0 clears the head; otherwise an existing user.
std::optional<int64_t> head_param(Conn& c, const MethodCall& call) {
  const Value& v = call.param("UF_HEAD");
  auto id = v.to_int();
  if (v.to_string().empty() || (id && *id == 0)) return std::nullopt;
  if (!id || !find_user(c, *id)) throw ApiError(errors::kHeadNotFound);
  return *id;
}

bool given(const MethodCall& call, std::string_view key) { return !call.param(key).is_null(); }

MethodResult department_add(MethodCall& call) {
  require_admin(call);
  Department d;
  d.name = name_param(call);
  if (auto sort = call.param("SORT").to_int()) d.sort = *sort;
  int64_t id = write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    d.parent = parent_param(c, call);
    d.head = head_param(c, call);
    return insert_department(c, d);
  });
  return Value(id);
}

Department existing(Conn& c, const MethodCall& call) {
  auto id = call.param("ID").to_int();
  auto d = id ? find_department(c, *id) : std::nullopt;
  if (!d) throw ApiError(errors::kNotFoundDepartment);
  return *d;
}

MethodResult department_update(MethodCall& call) {
  require_admin(call);
  write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    Department d = existing(c, call);
    if (given(call, "NAME")) d.name = name_param(call);
    if (given(call, "SORT"))
      if (auto sort = call.param("SORT").to_int()) d.sort = *sort;
    if (given(call, "PARENT")) {
      // The root stays the root: giving it a parent would always close a loop.
      if (!d.parent) throw ApiError(errors::kOneTopLevel);
      int64_t parent = parent_param(c, call);
      if (department_within(c, parent, d.id)) throw ApiError(errors::kParentLoop);
      d.parent = parent;
    }
    if (given(call, "UF_HEAD")) d.head = head_param(c, call);
    update_department(c, d);
  });
  return Value(true);
}

MethodResult department_delete(MethodCall& call) {
  require_admin(call);
  write_tx(call, [&](Tx& tx) {
    Conn& c = tx.conn;
    Department d = existing(c, call);
    if (!d.parent) throw ApiError(errors::kDeleteRoot);
    if (department_has_children(c, d.id)) throw ApiError(errors::kHasChildren);
    if (department_has_users(c, d.id)) throw ApiError(errors::kHasUsers);
    delete_department(c, d.id);
  });
  return Value(true);
}

MethodResult department_fields(MethodCall&) {
  return Value::object({{"ID", Value("ID")},
                        {"NAME", Value("Department Name")},
                        {"SORT", Value("Sort Order")},
                        {"PARENT", Value("Parent Department")},
                        {"UF_HEAD", Value("Manager")}});
}

}  // namespace

void register_department_methods(Registry& r) {
  const MethodTable table{r, "department", kDoc};
  table.add("department.get", Effect::kRead, department_get, "department-get.md");
  table.add("department.add", Effect::kWrite, department_add, "department-add.md");
  table.add("department.update", Effect::kWrite, department_update, "department-update.md");
  table.add("department.delete", Effect::kWrite, department_delete, "department-delete.md");
  table.add("department.fields", Effect::kRead, department_fields, "department-fields.md");
}

}  // namespace imhub
