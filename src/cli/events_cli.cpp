#include "cli/events_cli.hpp"

#include <cmath>
#include <iostream>

#include "app.hpp"
#include "core/clock.hpp"
#include "core/json.hpp"
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
  cli.secret = events->add_subcommand("secret", "the X-Imhub-Signature signing secret of an application");
  auto* app_opt = cli.secret->add_option("--app", cli.app_id, "application id");
  auto* client_opt = cli.secret->add_option("--client-id", cli.client_id, "CLIENT_ID of a webhook-registered bot");
  app_opt->excludes(client_opt);
  for (CLI::App* sub : {cli.status, cli.failed, cli.retry, cli.secret}) {
    sub->add_option("--data", cli.data, "data directory");
    sub->add_flag("--json", cli.json, "JSON output (default)");
  }
}

std::optional<int> run_events_cli(const EventsCli& cli) {
  const int64_t now = now_ms();
  if (*cli.secret) {
    if (cli.app_id <= 0 && cli.client_id.empty()) throw std::runtime_error("give --app ID or --client-id CLIENT_ID");
    const std::string key = load_or_create_master_key(cli.data);
    Value out = Value::object({{"secret", Value(event_signing_secret(key, cli.app_id, cli.client_id))}});
    if (cli.app_id > 0)
      out["app_id"] = cli.app_id;
    else
      out["client_id"] = cli.client_id;
    print(out);
    return 0;
  }
  if (!*cli.status && !*cli.failed && !*cli.retry) return std::nullopt;
  auto store = open_store(cli.data, Config{});
  if (*cli.status) {
    print(status_json(store->read_with([](Conn& c) { return events_status(c); }), now));
  } else if (*cli.failed) {
    auto [list, total] = store->read_with([&](Conn& c) {
      return std::make_pair(failed_events(c, cli.limit), c.query_one("SELECT COUNT(*) FROM event_failed")->i64(0));
    });
    print(failed_json(list, total));
  } else {
    if (!cli.all && cli.ids.empty()) throw std::runtime_error("give the ids to retry, or --all");
    RetryResult r = store->write_with([&](Conn& c) { return retry_failed(c, cli.ids, cli.all, now); });
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
