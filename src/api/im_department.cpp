// im.department.* methods (scope `im`): departments, their heads and people, the caller's
// colleagues. Contract: spec 002 ("Departments"), reference api-reference/chats/departments/.
// Only intranet users may call them (no extranet users, no bots).
#include "api/common.hpp"
#include "api/im_params.hpp"
#include "core/error_catalog.hpp"
#include "im/department_people.hpp"
#include "im/department_view.hpp"
#include "im/user_visibility.hpp"
#include "views/im_user.hpp"

namespace imhub {
namespace {

const std::string kDoc = "api-reference/chats/departments/";

std::shared_ptr<const User> intranet_caller(const MethodCall& call) {
  auto me = caller_user(call);
  if (!is_intranet_user(*me)) throw ApiError(errors::kAccessError);
  return me;
}

// Ids, or user objects with USER_DATA=Y (people who vanished meanwhile are left out).
Value people(Conn& c, const Services& s, const std::vector<int64_t>& ids, bool user_data) {
  Value list = Value::list();
  for (int64_t id : ids) {
    if (!user_data) {
      list.push_back(id);
    } else if (auto u = find_user(c, id)) {
      list.push_back(im_user_object(c, s.config, *u));
    }
  }
  return list;
}

std::vector<int64_t> department_ids(const MethodCall& call, const ErrorSpec& missing) {
  auto ids = id_list_param(call.param("ID"));
  if (!ids || ids->empty()) throw ApiError(missing);
  return *ids;
}

MethodResult department_get(MethodCall& call) {
  intranet_caller(call);
  const std::vector<int64_t> ids = department_ids(call, errors::kInvalidFormat);
  const bool user_data = call.param("USER_DATA").is_yes();
  Value out = Value::list();
  call.services.store.read([&](Conn& c) {
    const DepartmentTree tree = load_department_tree(c);
    for (int64_t id : ids) {
      auto it = tree.find(id);
      if (it == tree.end()) continue;
      Value d = im_department_object(tree, it->second);
      if (user_data) {
        auto head = it->second.head ? find_user(c, *it->second.head) : std::nullopt;
        d["manager_user_data"] = head ? im_user_object(c, call.services.config, *head) : Value();
      }
      out.push_back(std::move(d));
    }
  });
  return out;
}

// {"<department id>": [ids or user objects]} for the departments that exist.
template <class PeopleOf>
MethodResult by_department(MethodCall& call, PeopleOf people_of) {
  intranet_caller(call);
  const std::vector<int64_t> ids = department_ids(call, errors::kIdEmpty);
  const bool user_data = call.param("USER_DATA").is_yes();
  Value out = Value::map();
  call.services.store.read([&](Conn& c) {
    for (int64_t id : ids) {
      auto d = find_department(c, id);
      if (!d) continue;
      out[std::to_string(id)] = people(c, call.services, people_of(c, *d), user_data);
    }
  });
  return out;
}

MethodResult managers_get(MethodCall& call) {
  return by_department(call, [](Conn& c, const Department& d) { return department_managers(c, d); });
}

MethodResult employees_get(MethodCall& call) {
  return by_department(call, [](Conn& c, const Department& d) { return department_employees(c, d.id); });
}

MethodResult colleagues_list(MethodCall& call) {
  auto me = intranet_caller(call);
  const OffsetLimit page = offset_limit(call);
  const bool user_data = call.param("USER_DATA").is_yes();
  MethodResult r;
  call.services.store.read(
      [&](Conn& c) { r.result = people(c, call.services, page_of(colleagues_of(c, *me), page, r), user_data); });
  return r;
}

}  // namespace

void register_im_department_methods(Registry& r) {
  const MethodTable table{r, "im", kDoc};
  auto add = [&](std::string name, Handler h, std::string page, std::string note) {
    table.add(std::move(name), Effect::kRead, std::move(h), page, std::move(note));
  };
  add("im.department.get", department_get, "im-department-get.md", "");
  add("im.department.colleagues.list", colleagues_list, "im-department-colleagues-list.md", "");
  add("im.department.managers.get", managers_get, "im-department-managers-get.md", "");
  add("im.department.employees.get", employees_get, "im-department-employees-get.md", "");
}

}  // namespace imhub
