// Command line: serve, init, user, webhook. `--json` output is one JSON object on stdout.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "app.hpp"
#include "core/clock.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "users/portal.hpp"
#include "users/user.hpp"
#include "users/webhook.hpp"

using namespace imhub;

namespace {

void print(const Value& v) { std::cout << to_plain_json(v) << std::endl; }

std::unique_ptr<Store> open_initialised(const std::string& data) {
  auto store = open_store(data, Config{});
  init_portal(*store, load_or_create_master_key(data));
  return store;
}

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

}  // namespace

int main(int argc, char** argv) {
  auto logger = spdlog::stderr_color_mt("imhub");
  spdlog::set_default_logger(logger);
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");

  CLI::App app{"imhub: a self-hosted messenger and chatbot server speaking the Bitrix24 REST API"};
  app.require_subcommand(1);
  std::string data = "./data";
  bool json = true;

  auto* init = app.add_subcommand("init", "create the store, the portal, the administrator and its webhook");
  init->add_option("--data", data, "data directory");
  init->add_flag("--json", json, "JSON output (default)");

  auto* serve_cmd = app.add_subcommand("serve", "serve HTTP until SIGTERM/SIGINT");
  std::string listen, config_file, public_url;
  serve_cmd->add_option("--data", data, "data directory");
  serve_cmd->add_option("--listen", listen, "HOST:PORT (default 127.0.0.1:8080)");
  serve_cmd->add_option("--config", config_file, "TOML configuration file");
  serve_cmd->add_option("--public-url", public_url, "address clients and event handlers use to reach imhub");

  auto* user = app.add_subcommand("user", "manage users");
  user->require_subcommand(1);
  auto* user_add = user->add_subcommand("add", "add a user");
  std::string name, last_name, email, position;
  int64_t department = 1;
  bool admin = false;
  user_add->add_option("--name", name, "first name")->required();
  user_add->add_option("--last-name", last_name);
  user_add->add_option("--email", email);
  user_add->add_option("--position", position);
  user_add->add_option("--department", department, "department id (default 1)");
  user_add->add_flag("--admin", admin);
  user_add->add_option("--data", data);
  user_add->add_flag("--json", json);
  auto* user_list = user->add_subcommand("list", "list users");
  user_list->add_option("--data", data);
  user_list->add_flag("--json", json);

  auto* webhook = app.add_subcommand("webhook", "manage inbound webhooks");
  webhook->require_subcommand(1);
  auto* wh_add = webhook->add_subcommand("add", "add an inbound webhook");
  int64_t wh_user = 0;
  std::string scopes;
  wh_add->add_option("--user", wh_user, "user id")->required();
  wh_add->add_option("--scope", scopes, "comma-separated scopes, e.g. im,imbot,user")->required();
  wh_add->add_option("--data", data);
  wh_add->add_flag("--json", json);
  auto* wh_list = webhook->add_subcommand("list", "list webhooks (secrets are not shown: only hashes are stored)");
  wh_list->add_option("--data", data);
  wh_list->add_flag("--json", json);
  auto* wh_revoke = webhook->add_subcommand("revoke", "revoke a webhook");
  int64_t wh_id = 0;
  wh_revoke->add_option("id", wh_id, "webhook id")->required();
  wh_revoke->add_option("--data", data);
  wh_revoke->add_flag("--json", json);

  CLI11_PARSE(app, argc, argv);

  try {
    if (*init) {
      auto store = open_store(data, Config{});
      InitResult r = init_portal(*store, load_or_create_master_key(data));
      store->close();
      print(Value::object({{"user_id", Value(r.user_id)}, {"webhook", Value(r.webhook)}}));
      return 0;
    }
    if (*serve_cmd) {
      Config config = config_file.empty() ? Config{} : load_config(config_file);
      if (!listen.empty()) config.listen = listen;
      if (!public_url.empty()) config.public_url = public_url;
      spdlog::set_level(spdlog::level::from_str(config.log_level));
      return serve(data, config);
    }
    if (*user_add) {
      auto store = open_initialised(data);
      int64_t id = store->write_with([&](Conn& c) -> int64_t {
        if (!c.query_one("SELECT 1 FROM departments WHERE id = $1", {department}))
          throw std::runtime_error("department " + std::to_string(department) + " does not exist");
        User u;
        u.name = name;
        u.last_name = last_name;
        u.email = email;
        u.work_position = position;
        u.is_admin = admin;
        u.departments = {department};
        return insert_user(c, u);
      });
      store->close();
      print(Value::object({{"user_id", Value(id)}}));
      return 0;
    }
    if (*user_list) {
      auto store = open_initialised(data);
      auto users = store->read_with([](Conn& c) {
        std::vector<User> out;
        for (const Row& r : c.query(std::string("SELECT ") + kUserColumns + " FROM users ORDER BY id"))
          out.push_back(read_user(r));
        fill_departments(c, out);
        return out;
      });
      Value list = Value::list();
      for (const User& u : users) list.push_back(user_json(u));
      print(Value::object({{"users", list}}));
      return 0;
    }
    if (*wh_add) {
      auto store = open_initialised(data);
      std::vector<std::string> scope_list;
      for (auto& s : split(scopes, ','))
        if (!trim(s).empty()) scope_list.emplace_back(trim(s));
      std::string path = store->write_with([&](Conn& c) {
        if (!c.query_one("SELECT 1 FROM users WHERE id = $1", {wh_user}))
          throw std::runtime_error("user " + std::to_string(wh_user) + " does not exist");
        auto [hook, secret] = create_webhook(c, wh_user, scope_list, "cli");
        return webhook_path(wh_user, secret);
      });
      store->close();
      print(Value::object({{"webhook", Value(path)}}));
      return 0;
    }
    if (*wh_list) {
      auto store = open_initialised(data);
      auto hooks = store->read_with([](Conn& c) { return list_webhooks(c); });
      Value list = Value::list();
      for (const Webhook& w : hooks) {
        Value s = Value::list();
        for (auto& sc : w.scopes) s.push_back(sc);
        list.push_back(Value::object({{"id", Value(w.id)},
                                      {"user_id", Value(w.user_id)},
                                      {"scope", s},
                                      {"title", Value(w.title)},
                                      {"created", Value(atom_time(w.created_at))},
                                      {"active", Value(w.active)}}));
      }
      print(Value::object({{"webhooks", list}}));
      return 0;
    }
    if (*wh_revoke) {
      auto store = open_initialised(data);
      bool revoked = store->write_with([&](Conn& c) { return revoke_webhook(c, wh_id); });
      store->close();
      print(Value::object({{"revoked", Value(revoked)}}));
      return revoked ? 0 : 1;
    }
  } catch (const std::exception& e) {
    std::cerr << "imhub: " << e.what() << std::endl;
    std::cout << to_plain_json(Value::object({{"error", Value(std::string(e.what()))}})) << std::endl;
    return 1;
  }
  return 0;
}
