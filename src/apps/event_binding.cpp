#include "apps/event_binding.hpp"

#include "core/clock.hpp"
#include "store/row_mapping.hpp"

namespace imhub {
namespace {

const RowMapping<EventBinding> kBindingRow{
    {"id", &EventBinding::id},
    {"app_id", &EventBinding::app_id},
    {"event", &EventBinding::event},
    {"handler", &EventBinding::handler},
    {"user_id", &EventBinding::user_id},
    {"connector", &EventBinding::connector},
    {"offline", &EventBinding::offline},
    {"min_timeout", &EventBinding::min_timeout},
    {"notified_at", &EventBinding::notified_at},
    {"created_at", &EventBinding::created_at},
};

EventBinding read_binding(const Row& r) { return kBindingRow.read(r); }

std::vector<EventBinding> read_all(const Rows& rows) {
  std::vector<EventBinding> out;
  out.reserve(rows.size());
  for (const Row& r : rows) out.push_back(read_binding(r));
  return out;
}

}  // namespace

bool add_binding(Conn& w, EventBinding b) {
  if (b.created_at == 0) b.created_at = now_unix_seconds();
  return w.exec(
             "INSERT INTO event_bindings (app_id, event, handler, user_id, connector, offline, min_timeout, "
             "created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) "
             "ON CONFLICT (app_id, event, handler, user_id, connector) DO NOTHING",
             {b.app_id, b.event, b.handler, b.user_id, b.connector, int64_t{b.offline}, int64_t{b.min_timeout},
              b.created_at}) > 0;
}

std::vector<EventBinding> app_bindings(Conn& c, int64_t app_id) {
  return read_all(
      c.query("SELECT " + kBindingRow.list() + " FROM event_bindings WHERE app_id = $1 ORDER BY id", {app_id}));
}

std::vector<EventBinding> event_bindings(Conn& c, int64_t app_id, const std::string& event) {
  return read_all(
      c.query("SELECT " + kBindingRow.list() + " FROM event_bindings WHERE event = $1 AND app_id = $2 ORDER BY id",
              {event, app_id}));
}

int64_t remove_bindings(Conn& w, const UnbindFilter& f) {
  std::string sql = "DELETE FROM event_bindings WHERE app_id = $1 AND event = $2 AND offline = $3";
  SqlArgs args{f.app_id, f.event, int64_t{f.offline}};
  if (!f.offline) {
    sql += " AND handler = $" + std::to_string(args.size() + 1);
    args.emplace_back(f.handler);
  }
  if (f.user_id) {
    sql += " AND user_id = $" + std::to_string(args.size() + 1);
    args.emplace_back(*f.user_id);
  }
  return w.exec(sql, args);
}

void remove_app_bindings(Conn& w, int64_t app_id) { w.exec("DELETE FROM event_bindings WHERE app_id = $1", {app_id}); }

}  // namespace imhub
