// `imhub user add|list`.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/store_session.hpp"
#include "core/strings.hpp"
#include "users/user.hpp"

namespace imhub {
namespace {

struct UserOptions {
  std::string data = "./data";
  std::string name, last_name, email, position;
  int64_t department = 1;
  bool admin = false;
};

Value user_json(const User& u) {
  Value deps = Value::list();
  for (auto d : u.departments) deps.push_back(d);
  return Value::object({{"user_id", Value(u.id)},
                        {"name", Value(u.name)},
                        {"last_name", Value(u.last_name)},
                        {"email", Value(u.email)},
                        {"position", Value(u.work_position)},
                        {"admin", Value(u.is_admin)},
                        {"active", Value(u.active)},
                        {"departments", deps}});
}

User new_user(const UserOptions& o) {
  if (trim(o.name).empty()) throw UsageError("--name must not be empty");
  User u;
  u.name = std::string(trim(o.name));
  u.last_name = o.last_name;
  u.email = o.email;
  u.work_position = o.position;
  u.is_admin = o.admin;
  u.departments = {o.department};
  return u;
}

int run_add(const UserOptions& o) {
  User u = new_user(o);
  auto store = open_cli_store(o.data);
  int64_t id = store->write_with([&](Conn& c) -> int64_t {
    if (!c.query_one("SELECT 1 FROM departments WHERE id = $1", {o.department}))
      throw std::runtime_error("department " + std::to_string(o.department) + " does not exist");
    return insert_user(c, u);
  });
  store->close();
  print_json(Value::object({{"user_id", Value(id)}}));
  return 0;
}

int run_list(const UserOptions& o) {
  auto store = open_cli_store(o.data);
  auto users = store->read_with([](Conn& c) {
    std::vector<User> out;
    for (const Row& r : c.query("SELECT " + user_row().list() + " FROM users ORDER BY id")) out.push_back(read_user(r));
    fill_departments(c, out);
    return out;
  });
  store->close();
  Value list = Value::list();
  for (const User& u : users) list.push_back(user_json(u));
  print_json(Value::object({{"users", list}}));
  return 0;
}

}  // namespace

void add_user_commands(CLI::App& cli, CommandTable& table) {
  auto o = std::make_shared<UserOptions>();
  auto* user = cli.add_subcommand("user", "manage users");
  user->require_subcommand(1);
  auto* add = user->add_subcommand("add", "add a user");
  add->add_option("--name", o->name, "first name")->required();
  add->add_option("--last-name", o->last_name);
  add->add_option("--email", o->email);
  add->add_option("--position", o->position);
  add->add_option("--department", o->department, "department id (default 1)");
  add->add_flag("--admin", o->admin);
  add_data_option(add, o->data);
  auto* list = user->add_subcommand("list", "list users");
  add_data_option(list, o->data);
  table.add(add, [o] { return run_add(*o); });
  table.add(list, [o] { return run_list(*o); });
}

}  // namespace imhub
