#include "cli/events_cli.hpp"

#include <chrono>
#include <cmath>
#include <iostream>
#include <thread>

#include "app.hpp"
#include "apps/application.hpp"
#include "bots/bot.hpp"
#include "cli/command.hpp"
#include "cli/store_session.hpp"
#include "core/clock.hpp"
#include "core/json.hpp"
#include "events/delivery_log.hpp"
#include "events/event_admin.hpp"
#include "events/event_signature.hpp"
#include "users/portal.hpp"

namespace imhub {

namespace {

void print(const Value& v) { std::cout << to_plain_json(v) << std::endl; }

int64_t now_ms() { return static_cast<int64_t>(std::llround(now_unix() * 1000.0)); }

// Whole seconds between a stored millisecond time and now (0 for "none").
Value age_seconds(int64_t then_ms, int64_t now) {
  if (!then_ms) return Value(int64_t{0});
  return Value(std::max<int64_t>(0, (now - then_ms) / 1000));
}

Value status_json(const EventsStatus& s, int64_t now) {
  Value handlers = Value::list();
  for (const HandlerBacklog& b : s.handlers) {
    handlers.push_back(
        Value::object({{"app_id", Value(b.app_id)},
                       {"handler", Value(b.handler)},
                       {"pending", Value(b.pending)},
                       {"oldest_age_seconds", age_seconds(b.oldest_created_ms, now)},
                       {"max_attempts", Value(b.max_attempts)},
                       {"next_attempt_in_seconds",
                        Value(b.pending ? std::max<int64_t>(0, (b.next_attempt_ms - now + 999) / 1000) : int64_t{0})},
                       {"last_error", Value(b.last_error)},
                       {"last_error_time", Value(b.last_error_ms ? atom_time(b.last_error_ms / 1000) : "")},
                       {"failed", Value(b.failed)}}));
  }
  return Value::object({{"pending", Value(s.pending)},
                        {"oldest_age_seconds", age_seconds(s.oldest_created_ms, now)},
                        {"failed", Value(s.failed)},
                        {"handlers", handlers}});
}

Value failed_json(const std::vector<FailedEvent>& list, int64_t total) {
  Value out = Value::list();
  for (const FailedEvent& f : list) {
    out.push_back(Value::object({{"id", Value(f.id)},
                                 {"app_id", Value(f.app_id)},
                                 {"handler", Value(f.handler)},
                                 {"event", Value(f.event)},
                                 {"event_handler_id", Value(f.event_handler_id)},
                                 {"order_key", Value(f.order_key)},
                                 {"attempts", Value(f.attempts)},
                                 {"created", Value(atom_time(f.created_ms / 1000))},
                                 {"failed", Value(atom_time(f.failed_ms / 1000))},
                                 {"last_error", Value(f.last_error)},
                                 {"delivery_id", Value(f.delivery_id)}}));
  }
  return Value::object({{"total", Value(total)}, {"failed", out}});
}

Value log_entry_json(const DeliveryLogEntry& e) {
  return Value::object({{"id", Value(e.id)},
                        {"time", Value(atom_time(e.at_ms / 1000))},
                        {"app_id", Value(e.app_id)},
                        {"handler", Value(e.handler)},
                        {"event", Value(e.event)},
                        {"outbox_id", Value(e.outbox_id)},
                        {"delivery_id", Value(e.delivery_id)},
                        {"attempt", Value(int64_t{e.attempt})},
                        {"outcome", Value(e.outcome)},
                        {"status", Value(e.status)},
                        {"duration_ms", Value(e.duration_ms)},
                        {"answer", Value(e.answer)},
                        {"error", Value(e.error)},
                        {"request", Value(e.request)},
                        {"request_bytes", Value(e.request_bytes)}});
}

// `events log`: the newest --limit deliveries as one object, or with --follow one line per
// delivery, then each new one as the server logs it (until interrupted).
int run_log(Store& store, const EventsCli& cli) {
  DeliveryLogQuery q;
  if (cli.log_app >= 0) q.app_id = cli.log_app;
  q.handler = cli.log_handler;
  q.limit = cli.log_limit;
  auto read = [&] { return store.read_with([&](Conn& c) { return read_delivery_log(c, q); }); };
  if (!cli.follow) {
    Value list = Value::list();
    for (const DeliveryLogEntry& e : read()) list.push_back(log_entry_json(e));
    store.close();
    print(Value::object({{"deliveries", list}}));
    return 0;
  }
  while (true) {
    for (const DeliveryLogEntry& e : read()) {
      print(log_entry_json(e));
      q.after_id = e.id;
    }
    // More than this many within one pause would skip the oldest of them; the log keeps only the
    // newest log_per_handler of each handler anyway.
    q.limit = 1000;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
}

// The signing secret exists only for an application or a webhook bot's CLIENT_ID that the store
// knows; for anything else it would be a secret nobody can use, and a typo would go unnoticed.
void require_secret_owner(Store& store, const EventsCli& cli) {
  const bool known = store.read_with([&](Conn& c) {
    if (cli.app_id > 0) return find_app(c, cli.app_id).has_value();
    for (const Bot& b : all_bots(c))
      if (b.webhook_bot() && b.client_id() == cli.client_id) return true;
    return false;
  });
  if (known) return;
  throw std::runtime_error(cli.app_id > 0 ? "application " + std::to_string(cli.app_id) + " does not exist"
                                          : "no webhook bot was registered with CLIENT_ID " + cli.client_id);
}

Value ids_json(const std::vector<int64_t>& ids) {
  Value out = Value::list();
  for (int64_t id : ids) out.push_back(Value(id));
  return out;
}

}  // namespace

void add_events_cli(CLI::App& app, EventsCli& cli) {
  auto* events = app.add_subcommand("events", "event delivery: backlog, failed list, replay");
  events->require_subcommand(1);
  cli.status = events->add_subcommand("status", "backlog per handler, oldest age, failed count");
  cli.failed = events->add_subcommand("failed", "the failed list with each event's last error");
  cli.failed->add_option("--limit", cli.limit, "at most this many, oldest first (default 1000)");
  cli.retry = events->add_subcommand("retry", "put failed events back into the outbox");
  cli.retry->add_option("ids", cli.ids, "ids from `imhub events failed`");
  cli.retry->add_flag("--all", cli.all, "every failed event");
  cli.retry->add_option("--handler", cli.retry_handler, "every failed event of this handler URL");
  cli.retry->add_option("--app", cli.retry_app, "only this application's (0: webhook bots), with --handler or alone");
  cli.secret = events->add_subcommand("secret", "the X-Imhub-Signature signing secret of an application");
  auto* app_opt = cli.secret->add_option("--app", cli.app_id, "application id");
  auto* client_opt = cli.secret->add_option("--client-id", cli.client_id, "CLIENT_ID of a webhook-registered bot");
  app_opt->excludes(client_opt);
  cli.log = events->add_subcommand("log", "the last deliveries per handler: outcome, status, duration, answer");
  cli.log->add_option("--app", cli.log_app, "only this application's handlers (0: webhook bots)");
  cli.log->add_option("--handler", cli.log_handler, "only this handler URL");
  cli.log->add_option("--limit", cli.log_limit, "the newest N (default 100)");
  cli.log->add_flag("--follow", cli.follow, "keep printing deliveries as they happen, one JSON object per line");
  for (CLI::App* sub : {cli.status, cli.failed, cli.retry, cli.secret, cli.log}) {
    sub->add_option("--data", cli.data, "data directory");
    add_store_option(sub);
    sub->add_flag("--json", cli.json, "JSON output (default)");
  }
}

std::optional<int> run_events_cli(const EventsCli& cli) {
  const int64_t now = now_ms();
  if (*cli.secret) {
    if (cli.app_id <= 0 && cli.client_id.empty()) throw std::runtime_error("give --app ID or --client-id CLIENT_ID");
    std::string key;
    {
      auto store = open_store(cli.data, Config{}, cli_store_location());
      require_secret_owner(*store, cli);
      key = cli_master_key(*store, cli.data);
      store->close();
    }
    Value out = Value::object({{"secret", Value(event_signing_secret(key, cli.app_id, cli.client_id))}});
    if (cli.app_id > 0)
      out["app_id"] = cli.app_id;
    else
      out["client_id"] = cli.client_id;
    print(out);
    return 0;
  }
  if (!*cli.status && !*cli.failed && !*cli.retry && !*cli.log) return std::nullopt;
  auto store = open_store(cli.data, Config{}, cli_store_location());
  if (*cli.log) return run_log(*store, cli);
  if (*cli.status) {
    print(status_json(store->read_with([](Conn& c) { return events_status(c); }), now));
  } else if (*cli.failed) {
    auto [list, total] =
        store->read_with([&](Conn& c) { return std::make_pair(failed_events(c, cli.limit), count_failed(c)); });
    print(failed_json(list, total));
  } else {
    DeliveryFilter filter;
    if (cli.retry_app >= 0) filter.app_id = cli.retry_app;
    if (!cli.retry_handler.empty()) filter.handlers = std::vector<std::string>{cli.retry_handler};
    const bool by_filter = !filter.any();
    if (!cli.all && cli.ids.empty() && !by_filter)
      throw std::runtime_error("give the ids to retry, --handler URL, --app ID or --all");
    if (by_filter && (cli.all || !cli.ids.empty()))
      throw std::runtime_error("--handler and --app do not go with ids or --all");
    RetryResult r = store->write_with(
        [&](Conn& c) { return by_filter ? retry_failed(c, filter, now) : retry_failed(c, cli.ids, cli.all, now); });
    store->close();
    print(Value::object({{"retried", Value(static_cast<int64_t>(r.retried.size()))},
                         {"ids", ids_json(r.retried)},
                         {"not_found", ids_json(r.not_found)}}));
    return r.not_found.empty() ? 0 : 1;
  }
  store->close();
  return 0;
}

}  // namespace imhub
