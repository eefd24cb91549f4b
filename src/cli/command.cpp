#include "cli/command.hpp"

#include <CLI/CLI.hpp>

namespace imhub {

void CommandTable::add(CLI::App* cmd, std::function<int()> run, DataUse data) {
  entries_.push_back({cmd, std::move(run), data});
}

const CommandTable::Entry* CommandTable::chosen() const {
  for (const Entry& e : entries_)
    if (e.cmd->parsed()) return &e;
  return nullptr;
}

namespace {
std::string& store_url_holder() {
  static std::string url;
  return url;
}
}  // namespace

const std::string& store_url_option() { return store_url_holder(); }

void add_store_option(CLI::App* cmd) {
  cmd->add_option("--store", store_url_holder(), "a PostgreSQL store, postgresql://… (default: SQLite in --data)");
}

void add_data_option(CLI::App* cmd, std::string& data) {
  cmd->add_option("--data", data, "data directory (default ./data)");
  add_store_option(cmd);
  static const std::string kJsonHelp = "JSON output (the default and only format)";
  cmd->add_flag("--json", kJsonHelp);
}

}  // namespace imhub
