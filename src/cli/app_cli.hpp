// `imhub app add|install|update|uninstall|list`: local applications from the command line.
// Output is one JSON object on stdout; errors print {"error": "..."} and exit with 2 for bad
// input (a wrong URL, scope or id) and 1 for a refused operation (unknown application, already
// installed, …).
#pragma once

#include <memory>
#include <string>

namespace CLI {
class App;
}

namespace imhub {

class AppCommands {
 public:
  virtual ~AppCommands() = default;
  // True when the command line chose one of the `app` subcommands.
  virtual bool selected() const = 0;
  // Runs the chosen subcommand; returns the process exit code.
  virtual int run() = 0;
};

// Declares the `app` subcommand on `cli`. `data` is the shared --data option's target.
std::unique_ptr<AppCommands> add_app_commands(CLI::App& cli, std::string& data);

}  // namespace imhub
