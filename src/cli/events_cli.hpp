// `imhub events …`: the delivery backlog and the failed list, for administrators.
//   status              backlog per handler/application, oldest age, failed count
//   failed [--limit N]  the failed list with each event's last error
//   retry ID… | --all | --handler URL [--app ID]   failed events back into the outbox (a running
//                       server sends them at once): these, all, or one handler's
//                       (imhub.console.retry does the same)
//   secret --app ID | --client-id CLIENT_ID   the signing secret of X-Imhub-Signature (refused,
//                       exit 1, for an application or CLIENT_ID that does not exist)
//   log [--app ID] [--handler URL] [--limit N] [--follow]   the delivery log: the last deliveries
//                       with their outcome, status, duration, the first bytes of the answer and
//                       the request as sent (credentials redacted);
//                       --follow prints one JSON object per line as deliveries happen
// Output is one JSON object on stdout, like every imhub command.
#pragma once

#include <CLI/CLI.hpp>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace imhub {

struct EventsCli {
  CLI::App* status = nullptr;
  CLI::App* failed = nullptr;
  CLI::App* retry = nullptr;
  CLI::App* secret = nullptr;
  CLI::App* log = nullptr;
  std::string data = "./data";
  bool json = true;
  int64_t limit = 1000;
  std::vector<int64_t> ids;
  bool all = false;
  std::string retry_handler;
  int64_t retry_app = -1;  // -1: any application
  int64_t app_id = 0;
  std::string client_id;
  int64_t log_app = -1;  // -1: every application
  std::string log_handler;
  int64_t log_limit = 100;
  bool follow = false;
};

// Declares the subcommands on `app`; `cli` must outlive parsing and run_events_cli().
void add_events_cli(CLI::App& app, EventsCli& cli);

// Runs the `events` subcommand that was given; nullopt when none was. Returns the exit code.
std::optional<int> run_events_cli(const EventsCli& cli);

}  // namespace imhub
