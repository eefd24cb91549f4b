// One function per command group; each declares its subcommands on `cli` and registers them in
// `table`. Whatever the options bind to lives inside the group and outlives parsing.
#pragma once

#include "cli/command.hpp"

namespace CLI {
class App;
}

namespace imhub {

void add_init_command(CLI::App& cli, CommandTable& table);
void add_serve_command(CLI::App& cli, CommandTable& table);
void add_user_commands(CLI::App& cli, CommandTable& table);
void add_webhook_commands(CLI::App& cli, CommandTable& table);
void add_app_group(CLI::App& cli, CommandTable& table);
void add_events_group(CLI::App& cli, CommandTable& table);
void add_coverage_command(CLI::App& cli, CommandTable& table);
void add_push_group(CLI::App& cli, CommandTable& table);
void add_openlines_group(CLI::App& cli, CommandTable& table);
void add_store_group(CLI::App& cli, CommandTable& table);

}  // namespace imhub
