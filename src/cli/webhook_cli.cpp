// `imhub webhook add|list|revoke`: inbound webhooks. Secrets are shown once, at `add`.
#include <CLI/CLI.hpp>
#include <memory>

#include "apps/application.hpp"
#include "cli/commands.hpp"
#include "cli/output.hpp"
#include "cli/store_session.hpp"
#include "core/clock.hpp"
#include "users/webhook.hpp"

namespace imhub {
namespace {

struct WebhookOptions {
  std::string data = "./data";
  int64_t user = 0;
  std::string scopes;
  int64_t id = 0;
};

// The same scope list and rules as `app add`: an unknown scope is a usage error.
std::vector<std::string> checked_scopes(const std::string& text) {
  try {
    return parse_app_scopes(text);
  } catch (const std::invalid_argument& e) {
    throw UsageError(e.what());
  }
}

int run_add(const WebhookOptions& o) {
  std::vector<std::string> scopes = checked_scopes(o.scopes);
  auto store = open_cli_store(o.data);
  std::string path = store->write_with([&](Conn& c) {
    if (!c.query_one("SELECT 1 FROM users WHERE id = $1", {o.user}))
      throw std::runtime_error("user " + std::to_string(o.user) + " does not exist");
    auto [hook, secret] = create_webhook(c, o.user, scopes, "cli");
    return webhook_path(o.user, secret);
  });
  store->close();
  print_json(Value::object({{"webhook", Value(path)}}));
  return 0;
}

Value webhook_json(const Webhook& w) {
  Value s = Value::list();
  for (auto& sc : w.scopes) s.push_back(sc);
  return Value::object({{"id", Value(w.id)},
                        {"user_id", Value(w.user_id)},
                        {"scope", s},
                        {"title", Value(w.title)},
                        {"created", Value(atom_time(w.created_at))},
                        {"active", Value(w.active)}});
}

int run_list(const WebhookOptions& o) {
  auto store = open_cli_store(o.data);
  auto hooks = store->read_with([](Conn& c) { return list_webhooks(c); });
  store->close();
  Value list = Value::list();
  for (const Webhook& w : hooks) list.push_back(webhook_json(w));
  print_json(Value::object({{"webhooks", list}}));
  return 0;
}

int run_revoke(const WebhookOptions& o) {
  auto store = open_cli_store(o.data);
  bool revoked = store->write_with([&](Conn& c) { return revoke_webhook(c, o.id); });
  store->close();
  print_json(Value::object({{"revoked", Value(revoked)}}));
  return revoked ? 0 : kExitFailed;
}

}  // namespace

void add_webhook_commands(CLI::App& cli, CommandTable& table) {
  auto o = std::make_shared<WebhookOptions>();
  auto* webhook = cli.add_subcommand("webhook", "manage inbound webhooks");
  webhook->require_subcommand(1);
  auto* add = webhook->add_subcommand("add", "add an inbound webhook; prints its secret once");
  add->add_option("--user", o->user, "user id")->required();
  add->add_option("--scope", o->scopes, "comma-separated scopes, e.g. im,imbot,user")->required();
  add_data_option(add, o->data);
  auto* list = webhook->add_subcommand("list", "list webhooks (secrets are not shown: only hashes are stored)");
  add_data_option(list, o->data);
  auto* revoke = webhook->add_subcommand("revoke", "revoke a webhook");
  revoke->add_option("id", o->id, "webhook id")->required();
  add_data_option(revoke, o->data);
  table.add(add, [o] { return run_add(*o); });
  table.add(list, [o] { return run_list(*o); });
  table.add(revoke, [o] { return run_revoke(*o); });
}

}  // namespace imhub
