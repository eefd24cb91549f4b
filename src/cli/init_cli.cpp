// `imhub init`: creates the store, the portal, the administrator and its all-scope webhook; on an
// existing store prints that webhook again, if it is still active. The administrator's first
// sign-in password is printed on the first run only: just its hash is kept.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "app.hpp"
#include "cli/commands.hpp"
#include "cli/data_dir.hpp"
#include "cli/output.hpp"
#include "cli/store_session.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/password_hash.hpp"
#include "http/local_ca.hpp"
#include "users/master_key.hpp"
#include "users/password.hpp"
#include "users/portal.hpp"
#include "users/webhook.hpp"

namespace imhub {
namespace {

// "/rest/1/<secret>/" → "<secret>".
std::string secret_of(const std::string& webhook) {
  std::string s = webhook.substr(0, webhook.size() - 1);
  return s.substr(s.rfind('/') + 1);
}

std::string all_scope_list() {
  std::string out;
  for (const std::string& s : all_scopes()) out += (out.empty() ? "" : ",") + s;
  return out;
}

int run_init(const std::string& data) {
  prepare_data_dir(data);
  auto store = open_store(data, Config{}, cli_store_location());
  InitResult r = init_portal(*store, load_master_key(*store, data, !store_url_option().empty(), true));
  std::string password;  // the first run's sign-in password for the administrator
  if (r.created) {
    password = random_token(20);
    const std::string hash = hash_password(password);
    store->write([&](Conn& c) { save_password_hash(c, r.user_id, hash, now_unix_seconds()); });
  }
  const bool active = r.created || store->read_with([&](Conn& c) {
    return verify_webhook(c, r.user_id, secret_of(r.webhook)).has_value();
  });
  store->close();
  ensure_local_tls(data, "");  // DATA/ca.pem for https clients (http/local_ca.hpp)
  if (active) {
    Value out = Value::object({{"user_id", Value(r.user_id)}, {"webhook", Value(r.webhook)}});
    if (!password.empty()) {
      out.get_map().set("password", Value(password));
      std::cerr << "imhub: the administrator (user " << r.user_id
                << ") signs in at <public URL>/login with the password below; it is shown only now (change it "
                   "with `imhub user passwd "
                << r.user_id << "`)" << std::endl;
    }
    print_json(out);
    return 0;
  }
  const std::string note =
      "the store exists and its init webhook was revoked; add one with `imhub webhook add --user " +
      std::to_string(r.user_id) + " --scope " + all_scope_list() + " --data " + data + "`";
  std::cerr << "imhub: " << note << std::endl;
  print_json(Value::object({{"user_id", Value(r.user_id)}, {"webhook", Value()}, {"note", Value(note)}}));
  return 0;
}

}  // namespace

void add_init_command(CLI::App& cli, CommandTable& table) {
  auto data = std::make_shared<std::string>("./data");
  auto* cmd = cli.add_subcommand("init", "create the store, the portal, the administrator and its webhook");
  add_data_option(cmd, *data);
  table.add(
      cmd, [data] { return run_init(*data); }, DataUse::kCreate);
}

}  // namespace imhub
