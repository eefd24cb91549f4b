// The offline event queue of an application (api-reference/events/offline-events.md): events
// of offline bindings wait here until the application fetches them with event.offline.get.
// The queue keeps the latest state per object, not every change: an event whose name and data
// equal those of a row still waiting (same MESSAGE_ID) refreshes that row.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "core/value.hpp"
#include "store/store.hpp"

namespace imhub {

struct OfflineEvent {
  int64_t id = 0;
  std::string event;
  Value data;
  int64_t user_id = 0;
  std::string message_id;  // 32 hex: md5 of the event name and its data
  std::string process_id;  // "" until reserved by event.offline.get with clear=0
  bool error = false;
  int64_t created_at = 0;  // TIMESTAMP_X, unix seconds
};

void record_offline_event(Conn& w, int64_t app_id, const std::string& connector, const std::string& event,
                          const Value& data, int64_t user_id);

// One condition of a `filter` parameter ("=EVENT_NAME", ">=ID", "MESSAGE_ID"): column and SQL
// operator already checked against the allowed lists.
struct OfflineCondition {
  std::string column;
  std::string op;  // =, <>, <, <=, >, >=
  SqlValue value;
};

struct OfflineSelection {
  int64_t app_id = 0;
  std::string connector;
  std::vector<OfflineCondition> conditions;
  // Only rows nobody has reserved, plus (when set) those reserved by `also_process`.
  bool unreserved_only = false;
  std::string also_process;
  std::string order_by;  // "created_at ASC, id ASC"
  int64_t limit = 50;
  int64_t offset = 0;
};

std::vector<OfflineEvent> select_offline_events(Conn& c, const OfflineSelection& s);
int64_t count_offline_events(Conn& c, const OfflineSelection& s);
void delete_offline_events(Conn& w, const std::vector<int64_t>& ids);
void reserve_offline_events(Conn& w, const std::vector<int64_t>& ids, const std::string& process_id);
// Drops reservations older than 30 days (offline-events.md: "stored for up to 30 days").
void purge_stale_reservations(Conn& w, int64_t app_id);
// Rows of `process_id` (optionally only those ids / message ids): deleted, or marked as errors
// and released from the process. Return how many rows were touched.
int64_t clear_offline_events(Conn& w, int64_t app_id, const std::string& connector, const std::string& process_id,
                             const std::vector<int64_t>& ids, const std::vector<std::string>& message_ids);
int64_t mark_offline_errors(Conn& w, int64_t app_id, const std::string& connector, const std::string& process_id,
                            const std::vector<std::string>& message_ids);
void remove_app_offline_events(Conn& w, int64_t app_id);

}  // namespace imhub
