// The `app` and `events` groups, declared in their own files (app_cli, events_cli), registered
// here with the command table.
#include <CLI/CLI.hpp>
#include <memory>

#include "cli/app_cli.hpp"
#include "cli/commands.hpp"
#include "cli/events_cli.hpp"

namespace imhub {

void add_app_group(CLI::App& cli, CommandTable& table) {
  auto data = std::make_shared<std::string>("./data");
  std::shared_ptr<AppCommands> commands = add_app_commands(cli, *data);
  table.add(cli.get_subcommand("app"), [data, commands] { return commands->run(); });
}

void add_events_group(CLI::App& cli, CommandTable& table) {
  auto events = std::make_shared<EventsCli>();
  add_events_cli(cli, *events);
  table.add(cli.get_subcommand("events"), [events] { return run_events_cli(*events).value_or(kExitUsage); });
}

}  // namespace imhub
