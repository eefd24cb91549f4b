// `imhub serve`: one server per data directory (DATA/imhub.lock), then app.cpp's serve().
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <memory>

#include "app.hpp"
#include "app_config.hpp"
#include "cli/commands.hpp"
#include "cli/data_dir.hpp"

namespace imhub {
namespace {

struct ServeOptions {
  std::string data = "./data";
  std::string listen;
  std::string config_file;
  std::string public_url;
};

// The command line's --listen and --public-url over the config file's values. Kept as one
// function: the transport work (listen forms, public URL checks) changes only this.
void apply_network_options(Config& config, const ServeOptions& o) {
  if (!o.listen.empty()) config.listen = o.listen;
  if (!o.public_url.empty()) config.public_url = o.public_url;
}

int run_serve(const ServeOptions& o) {
  StoreLocation where;
  Config config = o.config_file.empty() ? Config{} : load_config(o.config_file, &where);
  if (!store_url_option().empty()) where.url = store_url_option();
  require_store(o.data, where.url);  // here, not in main(): the config file may name the store
  DataDirLock lock(o.data);          // before the store opens: a second server must not even migrate
  apply_network_options(config, o);
  spdlog::set_level(spdlog::level::from_str(config.log_level));
  return serve(o.data, config, where);
}

}  // namespace

void add_serve_command(CLI::App& cli, CommandTable& table) {
  auto o = std::make_shared<ServeOptions>();
  auto* cmd = cli.add_subcommand("serve", "serve HTTP until SIGTERM/SIGINT");
  add_data_option(cmd, o->data);
  cmd->add_option("--listen", o->listen, "HOST:PORT (default 127.0.0.1:8080)");
  cmd->add_option("--config", o->config_file, "TOML configuration file");
  cmd->add_option("--public-url", o->public_url, "address clients and event handlers use to reach imhub");
  table.add(
      cmd, [o] { return run_serve(*o); }, DataUse::kNone);
}

}  // namespace imhub
