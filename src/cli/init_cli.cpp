// `imhub init`: creates the store, the portal, the administrator and its all-scope webhook; on an
// existing store prints that webhook again, if it is still active.
#include <CLI/CLI.hpp>
#include <iostream>
#include <memory>

#include "app.hpp"
#include "cli/commands.hpp"
#include "cli/data_dir.hpp"
#include "cli/output.hpp"
#include "http/local_ca.hpp"
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
  auto store = open_store(data, Config{});
  InitResult r = init_portal(*store, load_or_create_master_key(data));
  const bool active = r.created || store->read_with([&](Conn& c) {
    return verify_webhook(c, r.user_id, secret_of(r.webhook)).has_value();
  });
  store->close();
  ensure_local_tls(data, "");  // DATA/ca.pem for https clients (http/local_ca.hpp)
  if (active) {
    print_json(Value::object({{"user_id", Value(r.user_id)}, {"webhook", Value(r.webhook)}}));
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
