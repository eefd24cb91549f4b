// `imhub user add|list|passwd`.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/password_input.hpp"
#include "cli/store_session.hpp"
#include "core/clock.hpp"
#include "core/password_hash.hpp"
#include "core/strings.hpp"
#include "users/password.hpp"
#include "users/user.hpp"

namespace imhub {
namespace {

struct UserOptions {
  std::string data = "./data";
  std::string name, last_name, email, position;
  int64_t department = 1;
  bool admin = false;
  int64_t id = 0;                       // passwd
  std::optional<std::string> password;  // passwd --password
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

// Sets the password of a person who may sign in and ends their sessions; the password is hashed
// before the store is opened and never printed.
int run_passwd(const UserOptions& o) {
  const std::string hash = hash_password(read_new_password(o.password));
  auto store = open_cli_store(o.data);
  store->write([&](Conn& c) {
    if (!sign_in_user_by_id(c, o.id))
      throw std::runtime_error("user " + std::to_string(o.id) + " does not exist, is not active, or is a bot");
    save_password_hash(c, o.id, hash, now_unix_seconds());
  });
  store->close();
  print_json(Value::object({{"user_id", Value(o.id)}, {"password_set", Value(true)}}));
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
  auto* passwd = user->add_subcommand(
      "passwd", "set a user's sign-in password (prompts on a terminal, else reads one line of standard input)");
  passwd->add_option("id", o->id, "user id")->required();
  passwd->add_option("--password", o->password, "the password (visible to other local users: prefer the prompt)");
  add_data_option(passwd, o->data);
  table.add(add, [o] { return run_add(*o); });
  table.add(passwd, [o] { return run_passwd(*o); });
  table.add(list, [o] { return run_list(*o); });
}

}  // namespace imhub
