// `imhub <command>`: parses the command line, checks the data directory the command needs, and
// runs the command (src/cli/, one file per command group). Usage errors exit 2 with the message
// on stderr; a refused or failed command exits 1.
#include <spdlog/sinks/stdout_color_sinks.h>
#include <spdlog/spdlog.h>

#include <CLI/CLI.hpp>
#include <iostream>

#include "cli/command.hpp"
#include "cli/commands.hpp"
#include "cli/data_dir.hpp"
#include "cli/output.hpp"
#include "cli/words.hpp"
#include "ops/build_info.hpp"

using namespace imhub;

namespace {

std::string version_line() {
  std::string v = "imhub " + std::string(build_version());
  if (!build_revision().empty()) v += " (" + std::string(build_revision()) + ")";
  return v;
}

void declare(CLI::App& cli, CommandTable& table) {
  cli.require_subcommand(1);
  cli.set_version_flag("--version", version_line(), "print the version and exit");
  add_init_command(cli, table);
  add_serve_command(cli, table);
  add_user_commands(cli, table);
  add_webhook_commands(cli, table);
  add_app_group(cli, table);
  add_events_group(cli, table);
  add_push_group(cli, table);
  add_openlines_group(cli, table);
  add_store_group(cli, table);
  add_coverage_command(cli, table);
  cli.add_subcommand("help", "show this help, or a command's: imhub help user add");
}

// `imhub help [COMMAND…]`: the help of the named (sub)command.
int print_help(const CLI::App& cli, const std::vector<std::string>& path) {
  const CLI::App* app = &cli;
  for (const std::string& word : path) {
    auto subs = app->get_subcommands([&](const CLI::App* s) { return s->check_name(word); });
    if (subs.empty()) return print_error("unknown command '" + word + "'; run 'imhub help'", kExitUsage);
    app = subs.front();
  }
  std::cout << app->help();
  return 0;
}

int usage_error(const std::string& message) {
  std::cerr << "imhub: " << message << "\nRun 'imhub help' for the commands and their options." << std::endl;
  return kExitUsage;
}

// Parses; returns an exit code when the program should stop here (help, version, usage error).
std::optional<int> parse(CLI::App& cli, std::vector<std::string> args) {
  try {
    check_words(cli, args);
    std::reverse(args.begin(), args.end());  // CLI11 takes the words last first
    cli.parse(args);
  } catch (const CLI::CallForHelp&) {
    std::cout << cli.help();
    return 0;
  } catch (const CLI::CallForVersion& e) {
    std::cout << e.what() << std::endl;
    return 0;
  } catch (const CLI::ParseError& e) {
    return usage_error(e.what());
  } catch (const UsageError& e) {
    return usage_error(e.what());
  }
  return std::nullopt;
}

// The --data the chosen command was given (each leaf command declares its own).
std::string data_dir_of(const CLI::App& cli) {
  const CLI::App* leaf = &cli;
  while (!leaf->get_subcommands().empty()) leaf = leaf->get_subcommands().front();
  const CLI::Option* opt = leaf->get_option_no_throw("--data");
  return opt && opt->count() ? opt->as<std::string>() : "./data";
}

int run(const CLI::App& cli, const CommandTable::Entry& cmd) {
  try {
    if (cmd.data == DataUse::kExisting) require_store(data_dir_of(cli), store_url_option());
    return cmd.run();
  } catch (const UsageError& e) {
    return print_error(e.what(), kExitUsage);
  } catch (const std::exception& e) {
    return print_error(e.what(), kExitFailed);
  }
}

}  // namespace

int main(int argc, char** argv) {
  spdlog::set_default_logger(spdlog::stderr_color_mt("imhub"));
  spdlog::set_pattern("%Y-%m-%dT%H:%M:%S.%e%z %l %v");

  CLI::App cli{"imhub: a self-hosted messenger and chatbot server speaking the Bitrix24 REST API", "imhub"};
  CommandTable table;
  declare(cli, table);
  std::vector<std::string> args(argv + 1, argv + argc);
  if (!args.empty() && args.front() == "help") return print_help(cli, {args.begin() + 1, args.end()});
  if (auto stop = parse(cli, args)) return *stop;
  const CommandTable::Entry* cmd = table.chosen();
  if (!cmd) return usage_error("no command given");
  return run(cli, *cmd);
}
