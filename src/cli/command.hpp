// The subcommands of `imhub`: each command group (init, serve, user, webhook, app, events,
// coverage) declares its CLI11 subcommands and registers what runs when one is chosen. main()
// parses, checks the data directory, and runs the chosen one.
#pragma once

#include <functional>
#include <stdexcept>
#include <string>
#include <vector>

namespace CLI {
class App;
}

namespace imhub {

// Which data directory a command accepts.
enum class DataUse {
  kNone,      // no data directory (coverage, help)
  kExisting,  // must already hold a store (everything but init)
  kCreate,    // may create it (init: the last path component only)
};

class CommandTable {
 public:
  // `run` runs when `cmd` (or one of its own subcommands) was chosen; returns the exit code.
  void add(CLI::App* cmd, std::function<int()> run, DataUse data = DataUse::kExisting);

  struct Entry {
    CLI::App* cmd;
    std::function<int()> run;
    DataUse data;
  };
  // The entry chosen by the parsed command line, or nullptr.
  const Entry* chosen() const;

 private:
  std::vector<Entry> entries_;
};

// Adds the `--data DIR` option (default ./data), `--store URL` (a PostgreSQL store; the data
// directory then keeps only what is local to the node) and the accepted `--json` flag to `cmd`.
void add_data_option(CLI::App* cmd, std::string& data);

// Adds `--store URL` alone (for commands that declare their own --data).
void add_store_option(CLI::App* cmd);

// The `--store` the command line gave ("" when none). One value per process: one command runs.
const std::string& store_url_option();

// Exit codes (README "Command line"): 1 refused or failed, 2 bad usage.
inline constexpr int kExitFailed = 1;
inline constexpr int kExitUsage = 2;

// Thrown for bad input that parsing alone cannot see (an empty name, an unknown scope): exit 2.
struct UsageError : std::invalid_argument {
  using std::invalid_argument::invalid_argument;
};

}  // namespace imhub
