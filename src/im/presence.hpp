// Messenger presence (im.user.status.*): the status a user chose, when they went idle, and when
// they were last active. Kept in user_presence, never in `users`: writing `users` would drop every
// user cache, and presence changes all the time.
#pragma once

#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "im/change_feed.hpp"
#include "store/store.hpp"
#include "users/user.hpp"

namespace imhub {

struct Presence {
  std::string status = "online";  // what the user set: online, dnd, away, break
  std::optional<int64_t> idle_since, last_activity, desktop_last, mobile_last;
  bool operator==(const Presence&) const = default;
};

// im.user.status.set values; case-sensitive, lower case only (reference im-user-status-set.md).
bool is_valid_status(std::string_view status);
// The status other people see: "Do not disturb" only mutes notifications and is shown as
// online (spec 002, department and colleague user objects).
std::string visible_status(const Presence& p);

Presence load_presence(Conn& c, int64_t user_id);
void save_status(Tx& tx, int64_t user_id, const std::string& status);
// nullopt ends idleness.
void save_idle(Tx& tx, int64_t user_id, std::optional<int64_t> since);
void save_activity(Conn& c, int64_t user_id, int64_t when);

// Raises each user's last_activity to the presence record's when that is later (user.get's
// IS_ONLINE and LAST_ACTIVITY_DATE).
void merge_presence_activity(Conn& c, std::vector<User>& users);

// Decides whether a user's activity is worth writing again: at most once per `interval`
// seconds per user, so a busy client does not turn every request into a write.
class ActivityThrottle {
 public:
  explicit ActivityThrottle(int64_t interval_seconds) : interval_(interval_seconds) {}
  // True (and remembers `now`) when the user's last accepted time is `interval` or more ago.
  bool due(int64_t user_id, int64_t now);

 private:
  static constexpr size_t kShards = 16;
  struct Shard {
    std::mutex mu;
    std::unordered_map<int64_t, int64_t> last;
  };
  int64_t interval_;
  Shard shards_[kShards];
};

// Records that `user_id` made an authenticated call now: one durable write per user per minute
// at most. Call it after authentication, for callers with a user. Never throws.
void note_user_activity(Store& store, int64_t user_id);

}  // namespace imhub
