#include "cli/app_cli.hpp"

#include "apps/event_chain.hpp"

#include <CLI/CLI.hpp>
#include <iostream>
#include <stdexcept>

#include "app.hpp"
#include "apps/application.hpp"
#include "apps/lifecycle.hpp"
#include "cli/command.hpp"
#include "cli/store_session.hpp"
#include "core/clock.hpp"
#include "core/json.hpp"
#include "users/portal.hpp"

namespace imhub {
namespace {

Value scope_list(const App& a) {
  Value out = Value::list();
  for (const auto& s : a.scopes) out.push_back(s);
  return out;
}

Value app_json(const App& a) {
  return Value::object({{"app_id", Value(a.id)},
                        {"name", Value(a.name)},
                        {"client_id", Value(a.client_id)},
                        {"handler", Value(a.handler)},
                        {"redirect_uri", Value(a.redirect_uri)},
                        {"scope", scope_list(a)},
                        {"version", Value(a.version)},
                        {"installed", Value(a.installed)},
                        {"active", Value(a.active)},
                        {"installed_by", Value(a.installed_by)},
                        {"created", Value(atom_time(a.created_at))}});
}

class Commands final : public AppCommands {
 public:
  Commands(CLI::App& cli, std::string& data) : data_(data) {
    root_ = cli.add_subcommand("app", "manage local applications (OAuth 2.0 clients that receive events)");
    root_->require_subcommand(1);

    add_ = root_->add_subcommand("add", "add an application; prints its client_id and client_secret once");
    add_->add_option("--name", name_, "application name")->required();
    add_->add_option("--handler", handler_, "URL that receives ONAPPINSTALL, ONAPPUPDATE and ONAPPUNINSTALL")
        ->required();
    add_->add_option("--scope", scope_, "comma-separated scopes, e.g. im,imbot,imopenlines")->required();
    add_->add_option("--redirect-uri", redirect_uri_, "where /oauth/authorize/ sends the user back with a code");

    install_ = root_->add_subcommand("install", "install for a user: sends ONAPPINSTALL with that user's tokens");
    install_->add_option("app_id", app_id_, "application id")->required();
    install_->add_option("--user", user_id_, "installing user id")->required();

    update_ = root_->add_subcommand("update", "raise VERSION by one and send ONAPPUPDATE");
    update_->add_option("app_id", app_id_, "application id")->required();

    uninstall_ = root_->add_subcommand(
        "uninstall", "send ONAPPUNINSTALL, deactivate, revoke tokens and remove the application's subscriptions");
    uninstall_->add_option("app_id", app_id_, "application id")->required();
    uninstall_->add_flag("--keep-data", keep_data_, "keep the application's stored options (CLEAN=0)");

    list_ = root_->add_subcommand("list", "list applications (secrets are not shown: only hashes are stored)");

    for (CLI::App* sub : {add_, install_, update_, uninstall_, list_}) {
      sub->add_option("--data", data_, "data directory");
      add_store_option(sub);
      sub->add_flag("--json", json_, "JSON output (default)");
    }
  }

  bool selected() const override { return root_->parsed(); }

  int run() override {
    try {
      print(execute());
      return 0;
    } catch (const std::invalid_argument& e) {
      return fail(e.what(), 2);
    } catch (const std::exception& e) {
      return fail(e.what(), 1);
    }
  }

 private:
  Value execute() {
    auto store = open_store(data_, Config{}, cli_store_location());
    init_portal(*store, cli_master_key(*store, data_));
    Value out = list_->parsed() ? store->read_with([&](Conn& c) { return listing(c); }) : write(*store);
    store->close();
    return out;
  }

  // The CLI causes what it changes as nobody in particular (a fresh event chain).
  Value write(Store& store) {
    ChangeFeed feed;
    subscribe_domain(feed);
    return feed.write(store, Cause{0, kEventSessionTtl, ""}, [this](Tx& tx) { return in_transaction(tx); });
  }

  Value in_transaction(Tx& tx) {
    Conn& w = tx.conn;
    if (add_->parsed()) {
      CreatedApp created = create_app(w, NewApp{name_, handler_, parse_app_scopes(scope_), redirect_uri_});
      return Value::object({{"app_id", Value(created.app.id)},
                            {"client_id", Value(created.app.client_id)},
                            {"client_secret", Value(created.client_secret)},
                            {"application_token", Value(created.app.application_token)}});
    }
    if (install_->parsed()) {
      App a = install_app(w, checked_id(app_id_, "application"), checked_id(user_id_, "user"));
      return Value::object({{"app_id", Value(a.id)},
                            {"installed", Value(true)},
                            {"user_id", Value(a.installed_by)},
                            {"version", Value(a.version)}});
    }
    if (update_->parsed()) {
      App a = update_app(w, checked_id(app_id_, "application"));
      return Value::object({{"app_id", Value(a.id)}, {"version", Value(a.version)}});
    }
    if (uninstall_->parsed()) {
      App a = uninstall_app(tx, checked_id(app_id_, "application"), !keep_data_);
      return Value::object({{"app_id", Value(a.id)}, {"uninstalled", Value(true)}});
    }
    throw std::logic_error("no app subcommand chosen");
  }

  static Value listing(Conn& c) {
    Value apps = Value::list();
    for (const App& a : list_apps(c)) apps.push_back(app_json(a));
    return Value::object({{"apps", apps}});
  }

  static int64_t checked_id(int64_t id, const char* what) {
    if (id <= 0) throw std::invalid_argument(std::string(what) + " id must be a positive number");
    return id;
  }

  static void print(const Value& v) { std::cout << to_plain_json(v) << std::endl; }

  static int fail(const std::string& message, int code) {
    std::cerr << "imhub: " << message << std::endl;
    print(Value::object({{"error", Value(message)}}));
    return code;
  }

  std::string& data_;
  bool json_ = true;
  CLI::App* root_ = nullptr;
  CLI::App* add_ = nullptr;
  CLI::App* install_ = nullptr;
  CLI::App* update_ = nullptr;
  CLI::App* uninstall_ = nullptr;
  CLI::App* list_ = nullptr;
  std::string name_, handler_, scope_, redirect_uri_;
  int64_t app_id_ = 0;
  int64_t user_id_ = 0;
  bool keep_data_ = false;
};

}  // namespace

std::unique_ptr<AppCommands> add_app_commands(CLI::App& cli, std::string& data) {
  return std::make_unique<Commands>(cli, data);
}

}  // namespace imhub
