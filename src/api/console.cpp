// The developer console (issue 13): imhub's own methods, not Bitrix24's, for the web client's
// administrator pages. They show in the browser what `imhub events status|failed|log|retry`
// shows on the command line, through the same domain functions (events/event_admin,
// events/delivery_log, bots/event_receivers):
//   imhub.console.handlers    every application and bot with its handler URLs and their state
//   imhub.console.failed      the failed list, paged with `start`
//   imhub.console.deliveries  the delivery log: request (credentials redacted) and answer, paged
//   imhub.console.retry       failed events back into the outbox: by ID, or one handler's
// Administrators only, as a person: a signed-in session or an administrator's webhook. Anyone
// else, an application's token included, gets ACCESS_DENIED (403).
#include <cmath>

#include "api/common.hpp"
#include "api/im_params.hpp"
#include "bots/bot.hpp"
#include "bots/event_receivers.hpp"
#include "core/clock.hpp"
#include "core/error_catalog.hpp"
#include "events/delivery_log.hpp"
#include "events/event_admin.hpp"

namespace imhub {
namespace {

constexpr int64_t kPageSize = 50;  // as every Bitrix24 list
constexpr const char* kConsoleDoc = "docs/operations.md#the-developer-console";

// An application's token never opens the console, not even one issued to an administrator: the
// console shows every application's deliveries, and the token speaks for its application.
void require_console(const MethodCall& call) {
  if (!admits(Audience::kAdministrators, call.caller)) throw ApiError(errors::kConsoleAccess);
}

int64_t now_ms() { return static_cast<int64_t>(std::llround(now_unix() * 1000.0)); }

// An ATOM date, or null for "never" (0).
Value date_ms(int64_t ms) { return ms > 0 ? Value(atom_time(ms / 1000)) : Value(); }

ApiError bad_argument(std::string_view name, std::string_view what) {
  return ApiError(errors::kArgument, "Argument '" + std::string(name) + "' " + std::string(what))
      .with("argument", Value(name));
}

bool given(const Value& v) { return !v.is_null() && !(v.is_string() && trim(v.get_string()).empty()); }

// An id parameter: absent → nullopt; not an integer ≥ `min` → ERROR_ARGUMENT.
std::optional<int64_t> id_param(const MethodCall& call, std::string_view name, int64_t min) {
  const Value& v = call.param(name);
  if (!given(v)) return std::nullopt;
  std::optional<int64_t> n = v.is_scalar() ? v.to_int() : std::nullopt;
  if (!n || *n < min) throw bad_argument(name, min > 0 ? "must be a positive integer" : "must be an integer >= 0");
  return n;
}

std::string text_param(const MethodCall& call, std::string_view name) {
  const Value& v = call.param(name);
  return v.is_scalar() ? std::string(trim(v.to_string())) : "";
}

// APP_ID (0: webhook bots), BOT_ID (its handler URLs) and HANDLER (one URL), all optional; together
// they narrow each other.
DeliveryFilter filter_param(const MethodCall& call, Conn& c) {
  DeliveryFilter f;
  f.app_id = id_param(call, "APP_ID", 0);
  if (auto bot_id = id_param(call, "BOT_ID", 1)) {
    auto bot = find_bot(c, *bot_id);
    if (!bot) throw ApiError(errors::kConsoleBotNotFound);
    f.handlers = bot_handler_urls(c, *bot_id);
    if (f.app_id && *f.app_id != bot->app_id) f.handlers->clear();
    f.app_id = bot->app_id;
  }
  if (std::string handler = text_param(call, "HANDLER"); !handler.empty()) {
    if (!f.handlers)
      f.handlers = std::vector<std::string>{handler};
    else if (std::find(f.handlers->begin(), f.handlers->end(), handler) != f.handlers->end())
      f.handlers = std::vector<std::string>{handler};
    else
      f.handlers->clear();
  }
  return f;
}

int64_t page_offset(const MethodCall& call) { return std::max<int64_t>(call.start, 0); }

// `next` when more follow; `total` unless the caller asked for no count (start = -1).
void set_page(const MethodCall& call, MethodResult& r, int64_t offset, size_t shown, int64_t total) {
  if (call.start != -1) r.total = total;
  if (offset + static_cast<int64_t>(shown) < total) r.next = offset + static_cast<int64_t>(shown);
}

const char* kind_name(EventReceiver::Kind k) {
  switch (k) {
    case EventReceiver::Kind::kApp:
      return "app";
    case EventReceiver::Kind::kBot:
      return "bot";
    case EventReceiver::Kind::kHandler:
      return "handler";
  }
  return "handler";
}

Value handler_json(const ReceiverHandler& h) {
  const HandlerBacklog& s = h.state;
  Value events = Value::list();
  for (const std::string& e : h.events) events.push_back(Value(e));
  return Value::object({{"HANDLER", Value(h.handler)},
                        {"EVENTS", events},
                        {"PENDING", Value(s.pending)},
                        {"FAILED", Value(s.failed)},
                        {"ATTEMPTS", Value(s.max_attempts)},
                        {"LAST_ERROR", Value(s.last_error)},
                        {"DATE_LAST_ERROR", date_ms(s.last_error.empty() ? 0 : s.last_error_ms)},
                        {"DATE_NEXT_ATTEMPT", date_ms(s.pending ? s.next_attempt_ms : 0)},
                        {"DATE_OLDEST_PENDING", date_ms(s.oldest_created_ms)}});
}

Value receiver_json(const EventReceiver& r) {
  Value handlers = Value::list();
  int64_t pending = 0, failed = 0;
  for (const ReceiverHandler& h : r.handlers) {
    handlers.push_back(handler_json(h));
    pending += h.state.pending;
    failed += h.state.failed;
  }
  return Value::object({{"ID", Value(r.id)},
                        {"KIND", Value(kind_name(r.kind))},
                        {"CODE", Value(r.code)},
                        {"NAME", Value(r.name)},
                        {"ACTIVE", Value(r.active)},
                        {"APP_ID", Value(r.app_id)},
                        {"CLIENT_ID", Value(r.client_id)},
                        {"OWNER_ID", Value(r.owner_user_id)},
                        {"PENDING", Value(pending)},
                        {"FAILED", Value(failed)},
                        {"HANDLERS", handlers}});
}

MethodResult console_handlers(MethodCall& call) {
  require_console(call);
  auto receivers = call.services.store.read_with([](Conn& c) { return event_receivers(c); });
  Value out = Value::list();
  for (const EventReceiver& r : receivers) out.push_back(receiver_json(r));
  return out;
}

Value failed_json(const FailedEvent& f) {
  return Value::object({{"ID", Value(f.id)},
                        {"APP_ID", Value(f.app_id)},
                        {"HANDLER", Value(f.handler)},
                        {"EVENT", Value(f.event)},
                        {"EVENT_HANDLER_ID", Value(f.event_handler_id)},
                        {"ATTEMPTS", Value(f.attempts)},
                        {"LAST_ERROR", Value(f.last_error)},
                        {"DATE_CREATE", date_ms(f.created_ms)},
                        {"DATE_FAILED", date_ms(f.failed_ms)},
                        {"DELIVERY_ID", Value(f.delivery_id)}});
}

MethodResult console_failed(MethodCall& call) {
  require_console(call);
  const int64_t offset = page_offset(call);
  auto [list, total] = call.services.store.read_with([&](Conn& c) {
    const DeliveryFilter f = filter_param(call, c);
    return std::make_pair(failed_events(c, kPageSize, f, offset), count_failed(c, f));
  });
  Value items = Value::list();
  for (const FailedEvent& f : list) items.push_back(failed_json(f));
  MethodResult r(std::move(items));
  set_page(call, r, offset, list.size(), total);
  return r;
}

// The request is what the log kept: the body as sent with every token and secret already replaced
// by "[redacted]" when it was written (events/request_redaction.hpp) — auth[access_token],
// auth[refresh_token], auth[application_token] and the bots' tokens in data[BOT] never reach the
// store, so they cannot reach this answer either.
Value delivery_json(const DeliveryLogEntry& e) {
  Value request = Value::object({{"EVENT", Value(e.event)},
                                 {"HANDLER", Value(e.handler)},
                                 {"BODY", Value(e.request)},
                                 {"BODY_BYTES", Value(e.request_bytes)},
                                 {"BODY_TRUNCATED", Value(static_cast<int64_t>(e.request.size()) < e.request_bytes)}});
  Value answer = Value::object({{"STATUS", Value(e.status)}, {"BODY", Value(e.answer)}, {"ERROR", Value(e.error)}});
  return Value::object({{"ID", Value(e.id)},
                        {"DATE", date_ms(e.at_ms)},
                        {"APP_ID", Value(e.app_id)},
                        {"HANDLER", Value(e.handler)},
                        {"EVENT", Value(e.event)},
                        {"OUTBOX_ID", Value(e.outbox_id)},
                        {"DELIVERY_ID", Value(e.delivery_id)},
                        {"ATTEMPT", Value(int64_t{e.attempt})},
                        {"OUTCOME", Value(e.outcome)},
                        {"DURATION_MS", Value(e.duration_ms)},
                        {"REQUEST", request},
                        {"ANSWER", answer}});
}

MethodResult console_deliveries(MethodCall& call) {
  require_console(call);
  const int64_t offset = page_offset(call);
  DeliveryLogPage page = call.services.store.read_with(
      [&](Conn& c) { return delivery_log_page(c, filter_param(call, c), offset, kPageSize); });
  Value items = Value::list();
  for (const DeliveryLogEntry& e : page.entries) items.push_back(delivery_json(e));
  MethodResult r(std::move(items));
  set_page(call, r, offset, page.entries.size(), page.total);
  return r;
}

Value ids_json(const std::vector<int64_t>& ids) {
  Value out = Value::list();
  for (int64_t id : ids) out.push_back(Value(id));
  return out;
}

// ID (one id or a list) from the failed list; or every failed event of HANDLER / BOT_ID / APP_ID;
// or ALL=Y. The same function as `imhub events retry`; durable before the answer, and the delivery
// worker sees the rows as soon as they are.
MethodResult console_retry(MethodCall& call) {
  require_console(call);
  std::optional<std::vector<int64_t>> ids;
  if (given(call.param("ID"))) {
    ids = id_list_param(call.param("ID"));
    if (!ids || ids->empty()) throw bad_argument("ID", "must be a failed delivery's ID or a list of them");
  }
  const bool all = call.param("ALL").is_scalar() && to_upper(call.param("ALL").to_string()) == "Y";
  const bool by_filter = given(call.param("HANDLER")) || given(call.param("BOT_ID")) || given(call.param("APP_ID"));
  if (!ids && !by_filter && !all) throw ApiError(errors::kConsoleRetryEmpty).with("argument", Value("ID"));
  if (static_cast<int>(ids.has_value()) + static_cast<int>(by_filter) + static_cast<int>(all) > 1)
    throw bad_argument("ID", "goes with neither HANDLER, BOT_ID, APP_ID nor ALL");
  const int64_t now = now_ms();
  RetryResult r = write_tx(call, [&](Tx& tx) {
    if (ids) return retry_failed(tx.conn, *ids, false, now);
    return retry_failed(tx.conn, all ? DeliveryFilter{} : filter_param(call, tx.conn), now);
  });
  if (ids && r.retried.empty()) throw ApiError(errors::kConsoleFailedNotFound);
  return Value::object({{"RETRIED", Value(static_cast<int64_t>(r.retried.size()))},
                        {"IDS", ids_json(r.retried)},
                        {"NOT_FOUND", ids_json(r.not_found)}});
}

}  // namespace

void register_console_methods(Registry& r) {
  const ExtensionTable table{r, "", kConsoleDoc};
  auto add = [&](std::string name, Effect effect, Handler h, std::string note) {
    table.add(std::move(name), effect, std::move(h), std::move(note), Audience::kAdministrators);
  };
  add("imhub.console.handlers", Effect::kRead, console_handlers,
      "administrators only; every application and bot with its handler URLs: pending, failed, last error, next "
      "attempt");
  add("imhub.console.failed", Effect::kRead, console_failed,
      "administrators only; the failed list (imhub events failed), paged");
  add("imhub.console.deliveries", Effect::kRead, console_deliveries,
      "administrators only; the delivery log: request (credentials redacted) and answer, status, duration; paged");
  add("imhub.console.retry", Effect::kWrite, console_retry,
      "administrators only; failed events back into the outbox (imhub events retry)");
}

}  // namespace imhub
