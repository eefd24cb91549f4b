#include "events/event_admin.hpp"

#include <algorithm>
#include <map>

#include "core/json.hpp"
#include "store/row_mapping.hpp"

namespace imhub {

EventsStatus events_status(Conn& c) {
  EventsStatus s;
  std::map<std::pair<int64_t, std::string>, HandlerBacklog> by_handler;
  for (const Row& r : c.query("SELECT app_id, handler, COUNT(*), MIN(created_at), MAX(attempts) FROM event_outbox "
                              "GROUP BY app_id, handler")) {
    HandlerBacklog& b = by_handler[{r.i64(0), r.str(1)}];
    b.app_id = r.i64(0);
    b.handler = r.str(1);
    b.pending = r.i64(2);
    b.oldest_created_ms = r.i64(3);
    b.max_attempts = r.i64(4);
    s.pending += b.pending;
    if (!s.oldest_created_ms || b.oldest_created_ms < s.oldest_created_ms) s.oldest_created_ms = b.oldest_created_ms;
  }
  // The next attempt is that of a lane's head (its oldest row): the rows behind a parked head are
  // due on paper but wait for it, so the minimum over every row would say "now" while every lane
  // is in backoff.
  for (const Row& r : c.query(
           "SELECT o.app_id, o.handler, MIN(o.next_attempt_at) FROM event_outbox o JOIN (SELECT handler, order_key, "
           "MIN(id) AS head FROM event_outbox GROUP BY handler, order_key) h ON o.id = h.head "
           "GROUP BY o.app_id, o.handler")) {
    auto it = by_handler.find({r.i64(0), r.str(1)});
    if (it != by_handler.end()) it->second.next_attempt_ms = r.i64(2);
  }
  for (const Row& r : c.query("SELECT app_id, handler, COUNT(*) FROM event_failed GROUP BY app_id, handler")) {
    HandlerBacklog& b = by_handler[{r.i64(0), r.str(1)}];
    b.app_id = r.i64(0);
    b.handler = r.str(1);
    b.failed = r.i64(2);
    s.failed += b.failed;
  }
  for (auto& [key, b] : by_handler) {
    if (b.max_attempts > 0) {
      if (auto e = c.query_one(
              "SELECT last_error, last_attempt_at FROM event_outbox WHERE app_id = $1 AND handler = $2 AND "
              "attempts > 0 AND last_error <> '' ORDER BY last_attempt_at DESC, next_attempt_at DESC LIMIT 1",
              {b.app_id, b.handler})) {
        b.last_error = e->str(0);
        b.last_error_ms = e->i64(1);
      }
    }
    if (b.last_error.empty() && b.failed > 0) {
      if (auto e = c.query_one(
              "SELECT last_error, failed_at FROM event_failed WHERE app_id = $1 AND handler = $2 ORDER BY failed_at "
              "DESC, id DESC LIMIT 1",
              {b.app_id, b.handler})) {
        b.last_error = e->str(0);
        b.last_error_ms = e->i64(1);
      }
    }
    s.handlers.push_back(std::move(b));
  }
  return s;
}

namespace {

const RowMapping<FailedEvent> kFailedRow{
    {"id", &FailedEvent::id},
    {"app_id", &FailedEvent::app_id},
    {"handler", &FailedEvent::handler},
    {"event", &FailedEvent::event},
    {"event_handler_id", &FailedEvent::event_handler_id},
    {"order_key", &FailedEvent::order_key},
    {"attempts", &FailedEvent::attempts},
    {"created_at", &FailedEvent::created_ms},
    {"failed_at", &FailedEvent::failed_ms},
    {"last_error", &FailedEvent::last_error},
    {"delivery_id", &FailedEvent::delivery_id},
};

}  // namespace

std::vector<FailedEvent> failed_events(Conn& c, int64_t limit, const DeliveryFilter& filter, int64_t offset) {
  SqlArgs args;
  std::string sql = kFailedRow.select("event_failed") + "WHERE 1 = 1" + delivery_filter_sql(filter, args);
  args.emplace_back(std::max<int64_t>(limit, 0));
  args.emplace_back(std::max<int64_t>(offset, 0));
  sql += " ORDER BY id LIMIT $" + std::to_string(args.size() - 1) + " OFFSET $" + std::to_string(args.size());
  std::vector<FailedEvent> out;
  for (const Row& r : c.query(sql, args)) out.push_back(kFailedRow.read(r));
  return out;
}

int64_t count_failed(Conn& c, const DeliveryFilter& filter) {
  SqlArgs args;
  return c.query_one("SELECT COUNT(*) FROM event_failed WHERE 1 = 1" + delivery_filter_sql(filter, args), args)->i64(0);
}

namespace {

// The payload with the delivery id the worker used, so that the replay carries the same one.
std::string payload_with_delivery_id(const std::string& payload, const std::string& delivery_id) {
  if (delivery_id.empty()) return payload;
  auto doc = parse_json(payload, JsonLimits{512, 10'000'000});
  if (!doc || !doc->is_map()) return payload;
  (*doc)["delivery_id"] = delivery_id;
  return to_plain_json(*doc);
}

}  // namespace

RetryResult retry_failed(Conn& c, const DeliveryFilter& filter, int64_t now_ms) {
  SqlArgs args;
  std::vector<int64_t> ids;
  for (const Row& r : c.query("SELECT id FROM event_failed WHERE 1 = 1" + delivery_filter_sql(filter, args), args))
    ids.push_back(r.i64(0));
  return retry_failed(c, ids, false, now_ms);
}

RetryResult retry_failed(Conn& c, const std::vector<int64_t>& ids, bool all, int64_t now_ms) {
  if (all) return retry_failed(c, DeliveryFilter{}, now_ms);
  RetryResult result;
  std::vector<int64_t> wanted = ids;
  std::sort(wanted.begin(), wanted.end());
  wanted.erase(std::unique(wanted.begin(), wanted.end()), wanted.end());
  for (int64_t id : wanted) {
    auto row = c.query_one(
        "SELECT app_id, handler, event, event_handler_id, payload, order_key, delivery_id FROM event_failed "
        "WHERE id = $1",
        {id});
    if (!row) {
      result.not_found.push_back(id);
      continue;
    }
    c.exec(
        "INSERT INTO event_outbox (app_id, handler, event, event_handler_id, payload, order_key, created_at, "
        "next_attempt_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $7)",
        {row->i64(0), row->str(1), row->str(2), row->i64(3), payload_with_delivery_id(row->str(4), row->str(6)),
         row->str(5), now_ms});
    c.exec("DELETE FROM event_failed WHERE id = $1", {id});
    result.retried.push_back(id);
  }
  return result;
}

}  // namespace imhub
