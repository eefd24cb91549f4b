#include "apps/offline_queue.hpp"

#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/json.hpp"
#include "store/row_mapping.hpp"

namespace imhub {
namespace {

constexpr int64_t kReservationSeconds = int64_t{30} * 86400;
const RowMapping<OfflineEvent> kOfflineEventRow{
    {"id", &OfflineEvent::id},
    {"event", &OfflineEvent::event},
    {"data",
     [](OfflineEvent& e, const Row& r, size_t i) {
       auto data = parse_json(r.str(i));
       e.data = data ? std::move(*data) : Value();
     }},
    {"user_id", &OfflineEvent::user_id},
    {"message_id", &OfflineEvent::message_id},
    {"process_id", &OfflineEvent::process_id},
    {"error", &OfflineEvent::error},
    {"created_at", &OfflineEvent::created_at},
};

OfflineEvent read_event(const Row& r) { return kOfflineEventRow.read(r); }

// "WHERE app_id = $1 AND connector = $2 AND <conditions>" with its arguments.
std::string where(const OfflineSelection& s, SqlArgs& args) {
  args = {s.app_id, s.connector};
  std::string sql = " WHERE app_id = $1 AND connector = $2";
  if (s.unreserved_only && s.also_process.empty()) {
    sql += " AND process_id = ''";
  } else if (s.unreserved_only) {
    args.emplace_back(s.also_process);
    sql += " AND (process_id = '' OR process_id = $3)";
  }
  for (const OfflineCondition& c : s.conditions) {
    args.push_back(c.value);
    sql += " AND " + c.column + " " + c.op + " $" + std::to_string(args.size());
  }
  return sql;
}

}  // namespace

void record_offline_event(Conn& w, int64_t app_id, const std::string& connector, const std::string& event,
                          const Value& data, int64_t user_id) {
  const std::string json = to_json(data);
  const std::string message_id = md5_hex(event + "\n" + json);
  const int64_t now = now_unix_seconds();
  int64_t refreshed = w.exec(
      "UPDATE offline_events SET data = $1, user_id = $2, created_at = $3 WHERE app_id = $4 AND connector = $5 "
      "AND message_id = $6 AND process_id = '' AND error = 0",
      {json, user_id, now, app_id, connector, message_id});
  if (refreshed > 0) return;
  w.exec(
      "INSERT INTO offline_events (app_id, connector, event, data, user_id, message_id, created_at) VALUES ($1, $2, "
      "$3, "
      "$4, $5, $6, $7)",
      {app_id, connector, event, json, user_id, message_id, now});
}

std::vector<OfflineEvent> select_offline_events(Conn& c, const OfflineSelection& s) {
  SqlArgs args;
  const std::string filter = where(s, args);  // fills args first: the placeholders below count them
  std::string sql = "SELECT " + kOfflineEventRow.list() + " FROM offline_events" + filter + " ORDER BY " + s.order_by +
                    " LIMIT $" + std::to_string(args.size() + 1) + " OFFSET $" + std::to_string(args.size() + 2);
  args.emplace_back(s.limit);
  args.emplace_back(s.offset);
  std::vector<OfflineEvent> out;
  for (const Row& r : c.query(sql, args)) out.push_back(read_event(r));
  return out;
}

int64_t count_offline_events(Conn& c, const OfflineSelection& s) {
  SqlArgs args;
  const std::string filter = where(s, args);
  auto row = c.query_one("SELECT COUNT(*) FROM offline_events" + filter, args);
  return row ? row->i64(0) : 0;
}

void delete_offline_events(Conn& w, const std::vector<int64_t>& ids) {
  for (int64_t id : ids) w.exec("DELETE FROM offline_events WHERE id = $1", {id});
}

void reserve_offline_events(Conn& w, const std::vector<int64_t>& ids, const std::string& process_id) {
  const int64_t now = now_unix_seconds();
  for (int64_t id : ids)
    w.exec("UPDATE offline_events SET process_id = $1, reserved_at = $2 WHERE id = $3", {process_id, now, id});
}

void purge_stale_reservations(Conn& w, int64_t app_id) {
  w.exec("DELETE FROM offline_events WHERE app_id = $1 AND process_id <> '' AND reserved_at < $2",
         {app_id, now_unix_seconds() - kReservationSeconds});
}

// One statement per id rather than an IN list: the statement text stays the same whatever the
// number of ids, so the prepared-statement cache does not grow with it.
int64_t clear_offline_events(Conn& w, int64_t app_id, const std::string& connector, const std::string& process_id,
                             const std::vector<int64_t>& ids, const std::vector<std::string>& message_ids) {
  const std::string base = "DELETE FROM offline_events WHERE app_id = $1 AND connector = $2 AND process_id = $3";
  int64_t n = 0;
  if (!ids.empty()) {
    for (int64_t id : ids) n += w.exec(base + " AND id = $4", {app_id, connector, process_id, id});
  } else if (!message_ids.empty()) {
    for (const auto& m : message_ids) n += w.exec(base + " AND message_id = $4", {app_id, connector, process_id, m});
  } else {
    n = w.exec(base, {app_id, connector, process_id});
  }
  return n;
}

int64_t mark_offline_errors(Conn& w, int64_t app_id, const std::string& connector, const std::string& process_id,
                            const std::vector<std::string>& message_ids) {
  const std::string base =
      "UPDATE offline_events SET error = 1, process_id = '', reserved_at = 0 WHERE app_id = $1 AND connector = $2 AND "
      "process_id = $3";
  if (message_ids.empty()) return w.exec(base, {app_id, connector, process_id});
  int64_t n = 0;
  for (const auto& m : message_ids) n += w.exec(base + " AND message_id = $4", {app_id, connector, process_id, m});
  return n;
}

void remove_app_offline_events(Conn& w, int64_t app_id) {
  w.exec("DELETE FROM offline_events WHERE app_id = $1", {app_id});
}

}  // namespace imhub
