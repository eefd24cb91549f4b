// The offline event queue (protocol.md §8.6, api-reference/events/event-offline-*.md):
// event.offline.get, .clear, .error, .list. Application callers with administrator rights.
#include <algorithm>

#include "api/common.hpp"
#include "apps/offline_queue.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/error_catalog.hpp"

namespace imhub {
namespace {

constexpr int64_t kDefaultLimit = 50;
constexpr int64_t kMaxLimit = 1000;  // one answer stays small; the queue is drained in rounds
constexpr int64_t kListPage = 50;    // event.offline.list: fixed page size
constexpr size_t kMaxIds = 1000;     // ids / message ids per clear or error call
constexpr size_t kProcessIdLength = 32;

void require_admin_app(const Caller& caller) {
  if (caller.kind != AuthKind::kOAuth) throw ApiError(errors::kWrongAuthType);
  if (!caller.is_admin) throw ApiError(errors::kAccessDenied);
}

ApiError bad_argument(std::string_view name, std::string description) {
  return ApiError(errors::kArgument, std::move(description)).with("argument", Value(name));
}

struct Field {
  std::string_view name;  // as in filter / order
  std::string_view column;
  enum class Type { kInt, kText, kTime } type;
};

constexpr Field kFields[] = {
    {"ID", "id", Field::Type::kInt},
    {"TIMESTAMP_X", "created_at", Field::Type::kTime},
    {"EVENT_NAME", "event", Field::Type::kText},
    {"MESSAGE_ID", "message_id", Field::Type::kText},
    {"PROCESS_ID", "process_id", Field::Type::kText},
    {"ERROR", "error", Field::Type::kInt},
};

// `allowed`: how many of kFields the method accepts (get: the first 4, list: all).
const Field* find_field(std::string_view name, size_t allowed) {
  for (size_t i = 0; i < allowed; ++i)
    if (iequals(kFields[i].name, name)) return &kFields[i];
  return nullptr;
}

SqlValue field_value(const Field& f, const Value& v) {
  if (!v.is_scalar()) throw bad_argument("filter", "Filter values must be scalars");
  const std::string s = v.to_string();
  switch (f.type) {
    case Field::Type::kInt:
      if (auto n = Value(s).to_int()) return *n;
      throw bad_argument("filter", "Filter value of " + std::string(f.name) + " must be an integer");
    case Field::Type::kTime: {
      if (auto n = Value(s).to_int()) return *n;
      int64_t t = 0;
      if (parse_atom(s, t)) return t;
      throw bad_argument("filter", "Filter value of TIMESTAMP_X must be a date");
    }
    case Field::Type::kText:
      return f.name == "EVENT_NAME" ? to_upper(s) : s;
  }
  return s;
}

// {"=EVENT_NAME": "ONAPPTEST", ">=ID": 1, "MESSAGE_ID": "…"}: the operator precedes the field.
std::vector<OfflineCondition> parse_filter(const Value& filter, size_t allowed) {
  std::vector<OfflineCondition> out;
  if (filter.is_null() || (filter.is_scalar() && filter.to_string().empty())) return out;
  if (!filter.is_map()) throw bad_argument("filter", "Argument 'filter' must be an object");
  static const std::pair<std::string_view, std::string_view> kOps[] = {
      {">=", ">="}, {"<=", "<="}, {"!=", "<>"}, {"<>", "<>"}, {"!", "<>"}, {"=", "="}, {">", ">"}, {"<", "<"}};
  const Map& m = filter.get_map();
  for (size_t i = 0; i < m.size(); ++i) {
    std::string_view key = m.key_at(i);
    std::string_view op = "=";
    for (const auto& [prefix, sql] : kOps) {
      if (key.substr(0, prefix.size()) == prefix) {
        op = sql;
        key.remove_prefix(prefix.size());
        break;
      }
    }
    const Field* f = find_field(key, allowed);
    if (!f) throw bad_argument("filter", "Unknown filter field: " + std::string(key));
    out.push_back({std::string(f->column), std::string(op), field_value(*f, m.value_at(i))});
  }
  return out;
}

// {"ID": "DESC"}; ties are broken by id so pages are stable.
std::string parse_order(const Value& order, size_t allowed, std::string fallback) {
  if (order.is_null() || (order.is_scalar() && order.to_string().empty())) return fallback;
  if (!order.is_map()) throw bad_argument("order", "Argument 'order' must be an object");
  std::string out;
  const Map& m = order.get_map();
  for (size_t i = 0; i < m.size(); ++i) {
    const Field* f = find_field(m.key_at(i), allowed);
    if (!f) throw bad_argument("order", "Unknown order field: " + m.key_at(i));
    std::string dir = to_upper(m.value_at(i).to_string());
    if (dir.empty()) dir = "ASC";
    if (dir != "ASC" && dir != "DESC") throw bad_argument("order", "Order must be ASC or DESC");
    out += (out.empty() ? "" : ", ") + std::string(f->column) + " " + dir;
  }
  if (out.empty()) return fallback;
  return out + ", id ASC";
}

bool flag(const Value& v, bool fallback) {
  if (v.is_null() || (v.is_scalar() && v.to_string().empty())) return fallback;
  const std::string s = to_lower(v.to_string());
  return !(s == "0" || s == "false" || s == "n");
}

Value event_json(const OfflineEvent& e) {
  const bool has_data = e.data.is_array() ? e.data.size() > 0 : !e.data.is_null();
  return Value::object({{"ID", Value(std::to_string(e.id))},
                        {"TIMESTAMP_X", Value(atom_time(e.created_at))},
                        {"EVENT_NAME", Value(e.event)},
                        {"EVENT_DATA", has_data ? e.data : Value(false)},
                        {"EVENT_ADDITIONAL", Value::object({{"user_id", Value(e.user_id)}})},
                        {"MESSAGE_ID", Value(e.message_id)}});
}

std::vector<int64_t> ids_of(const std::vector<OfflineEvent>& events) {
  std::vector<int64_t> out;
  for (const auto& e : events) out.push_back(e.id);
  return out;
}

template <class T>
std::vector<T> list_param(MethodCall& call, std::string_view name) {
  std::vector<T> out;
  const Value& v = call.param(name);
  if (v.is_null() || (v.is_scalar() && v.to_string().empty())) return out;
  std::vector<const Value*> items = v.is_array() ? v.elements() : std::vector<const Value*>{&v};
  if (items.size() > kMaxIds) throw bad_argument(name, "At most 1000 values of '" + std::string(name) + "'");
  for (const Value* item : items) {
    if constexpr (std::is_same_v<T, int64_t>) {
      auto n = item->to_int();
      if (!n) throw bad_argument(name, "Values of '" + std::string(name) + "' must be integers");
      out.push_back(*n);
    } else {
      out.push_back(item->to_string());
    }
  }
  return out;
}

std::string process_param(MethodCall& call) {
  std::string pid = call.param("process_id").to_string();
  if (pid.empty()) throw bad_argument("process_id", "Argument 'process_id' is null or empty");
  return pid;
}

MethodResult offline_get(MethodCall& call) {
  require_admin_app(call.caller);
  OfflineSelection s;
  s.app_id = call.caller.app_id;
  s.connector = call.caller.auth_connector;
  s.conditions = parse_filter(call.param("filter"), 4);
  s.order_by = parse_order(call.param("order"), 4, "created_at ASC, id ASC");
  const Value& limit = call.param("limit");
  s.limit = limit.is_null() || limit.to_string().empty() ? kDefaultLimit : limit.to_int_or(0);
  if (s.limit <= 0) throw bad_argument("limit", "Argument 'limit' must be a positive integer");
  s.limit = std::min(s.limit, kMaxLimit);
  const bool clear = flag(call.param("clear"), true);
  const bool with_errors = flag(call.param("error"), false);
  if (!with_errors) s.conditions.push_back({"error", "=", int64_t{0}});
  s.unreserved_only = true;
  s.also_process = call.param("process_id").to_string();
  std::string process_id = s.also_process.empty() ? random_token(kProcessIdLength) : s.also_process;
  std::vector<OfflineEvent> events;
  // One write transaction: parallel callers get disjoint sets (the writer serialises them).
  write_tx(call, [&](Tx& tx) {
    Conn& w = tx.conn;
    purge_stale_reservations(w, s.app_id);
    events = select_offline_events(w, s);
    if (clear) {
      delete_offline_events(w, ids_of(events));
    } else {
      reserve_offline_events(w, ids_of(events), process_id);
    }
  });
  Value list = Value::list();
  for (const auto& e : events) list.push_back(event_json(e));
  return Value::object({{"process_id", clear ? Value() : Value(process_id)}, {"events", list}});
}

MethodResult offline_clear(MethodCall& call) {
  require_admin_app(call.caller);
  const std::string process_id = process_param(call);
  auto ids = list_param<int64_t>(call, "id");
  auto message_ids = list_param<std::string>(call, "message_id");
  write_tx(call, [&](Tx& tx) {
    Conn& w = tx.conn;
    clear_offline_events(w, call.caller.app_id, call.caller.auth_connector, process_id, ids, message_ids);
  });
  return Value(true);
}

MethodResult offline_error(MethodCall& call) {
  require_admin_app(call.caller);
  const std::string process_id = process_param(call);
  auto message_ids = list_param<std::string>(call, "message_id");
  write_tx(call, [&](Tx& tx) {
    Conn& w = tx.conn;
    mark_offline_errors(w, call.caller.app_id, call.caller.auth_connector, process_id, message_ids);
  });
  return Value(true);
}

MethodResult offline_list(MethodCall& call) {
  require_admin_app(call.caller);
  OfflineSelection s;
  s.app_id = call.caller.app_id;
  s.connector = call.caller.auth_connector;
  s.conditions = parse_filter(call.param("filter"), std::size(kFields));
  s.order_by = parse_order(call.param("order"), std::size(kFields), "id ASC");
  s.limit = kListPage;
  s.offset = std::max<int64_t>(call.start, 0);
  auto [events, total] = call.services.store.read_with(
      [&](Conn& c) { return std::make_pair(select_offline_events(c, s), count_offline_events(c, s)); });
  Value list = Value::list();
  for (const auto& e : events) {
    Value v = event_json(e);
    v["PROCESS_ID"] = e.process_id;
    v["ERROR"] = e.error ? "1" : "0";
    list.push_back(std::move(v));
  }
  MethodResult r(list);
  r.total = total;
  if (s.offset + kListPage < total) r.next = s.offset + kListPage;
  return r;
}

}  // namespace

void register_event_offline_methods(Registry& r) {
  MethodTable t{r, "", "api-reference/events/"};
  t.add("event.offline.get", Effect::kWrite, offline_get, "event-offline-get.md");
  t.add("event.offline.clear", Effect::kWrite, offline_clear, "event-offline-clear.md");
  t.add("event.offline.error", Effect::kWrite, offline_error, "event-offline-error.md");
  t.add("event.offline.list", Effect::kRead, offline_list, "event-offline-list.md");
}

}  // namespace imhub
