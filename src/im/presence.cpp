#include "im/presence.hpp"

#include <spdlog/spdlog.h>

#include "core/clock.hpp"

namespace imhub {
namespace {

constexpr int64_t kActivityWriteInterval = 60;

SqlValue opt_value(const std::optional<int64_t>& v) { return v ? SqlValue(*v) : SqlValue(nullptr); }

}  // namespace

bool is_valid_status(std::string_view status) {
  return status == "online" || status == "dnd" || status == "away" || status == "break";
}

std::string visible_status(const Presence& p) { return p.status == "dnd" ? "online" : p.status; }

Presence load_presence(Conn& c, int64_t user_id) {
  Presence p;
  auto row = c.query_one(
      "SELECT status, idle_since, last_activity, desktop_last, mobile_last FROM user_presence WHERE user_id = $1",
      {user_id});
  if (!row) return p;
  if (is_valid_status(row->str(0))) p.status = row->str(0);
  p.idle_since = row->opt_i64(1);
  p.last_activity = row->opt_i64(2);
  p.desktop_last = row->opt_i64(3);
  p.mobile_last = row->opt_i64(4);
  return p;
}

void save_status(Tx& tx, int64_t user_id, const std::string& status) {
  Conn& c = tx.conn;
  c.exec(
      "INSERT INTO user_presence (user_id, status) VALUES ($1, $2) "
      "ON CONFLICT (user_id) DO UPDATE SET status = excluded.status",
      {user_id, status});
  tx.raise(UserStatusChanged{user_id, status});
}

void save_idle(Tx& tx, int64_t user_id, std::optional<int64_t> since) {
  Conn& c = tx.conn;
  c.exec(
      "INSERT INTO user_presence (user_id, idle_since) VALUES ($1, $2) "
      "ON CONFLICT (user_id) DO UPDATE SET idle_since = excluded.idle_since",
      {user_id, opt_value(since)});
  tx.raise(UserStatusChanged{user_id, since ? "idle" : "active"});
}

void save_activity(Conn& c, int64_t user_id, int64_t when) {
  c.exec(
      "INSERT INTO user_presence (user_id, last_activity) VALUES ($1, $2) "
      "ON CONFLICT (user_id) DO UPDATE SET last_activity = excluded.last_activity",
      {user_id, when});
}

void merge_presence_activity(Conn& c, std::vector<User>& users) {
  if (users.empty()) return;
  std::string ids;
  for (const User& u : users) ids += (ids.empty() ? "" : ",") + std::to_string(u.id);
  std::unordered_map<int64_t, int64_t> seen;
  for (const Row& r : c.query("SELECT user_id, last_activity FROM user_presence WHERE last_activity IS NOT NULL AND "
                              "user_id IN (" +
                              ids + ")"))
    seen[r.i64(0)] = r.i64(1);
  for (User& u : users)
    if (auto it = seen.find(u.id); it != seen.end() && (!u.last_activity || *u.last_activity < it->second))
      u.last_activity = it->second;
}

bool ActivityThrottle::due(int64_t user_id, int64_t now) {
  Shard& shard = shards_[static_cast<uint64_t>(user_id) % kShards];
  std::lock_guard<std::mutex> lock(shard.mu);
  auto [it, inserted] = shard.last.try_emplace(user_id, now);
  if (inserted) return true;
  if (now - it->second < interval_) return false;
  it->second = now;
  return true;
}

void note_user_activity(Store& store, int64_t user_id) {
  if (user_id <= 0) return;
  static ActivityThrottle throttle(kActivityWriteInterval);
  const int64_t now = now_unix_seconds();
  if (!throttle.due(user_id, now)) return;
  // Presence is best effort and nobody waits for it: the request goes on while the writer
  // records the activity, and a failure is only logged.
  store.write_async([user_id, now](Conn& c) { save_activity(c, user_id, now); },
                    [user_id](std::exception_ptr e) {
                      if (!e) return;
                      try {
                        std::rethrow_exception(e);
                      } catch (const std::exception& ex) {
                        spdlog::warn("presence: activity of user {} not recorded: {}", user_id, ex.what());
                      }
                    });
}

}  // namespace imhub
