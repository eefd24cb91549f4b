// Which outbox row goes out next: the delivery worker's scheduling state, kept in memory (the
// outbox table stays the truth; a restart rebuilds this from it).
//
// A lane is the stream of one (handler URL, order key). Only a lane's oldest undelivered row is
// ever loaded or in flight, so a handler sees a lane's events in id order; a failing row holds
// back its own lane and no other. A lane holds a "slot" while its head is being loaded or sent:
// at most `per_handler_cap` slots per handler URL (a hanging handler cannot take every slot) and
// `total_cap` overall. Handlers with runnable lanes take turns, so a handler with a huge backlog
// does not starve one with a single event.
//
// Single-threaded: only the worker thread touches it.
#pragma once

#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

namespace imhub {

class Lanes {
 public:
  struct Handler;
  struct Lane {
    enum class State { kIdle, kQueued, kBusy, kWaiting };
    std::string key;  // Lanes::key(handler, order_key)
    std::string order_key;
    Handler* handler = nullptr;
    State state = State::kIdle;
    int64_t last_done = 0;  // id of the last row that left the lane (the next head is after it)
    int64_t max_seen = 0;   // highest row id discovery reported for the lane
    int uncommitted = 0;    // rows that left the lane whose removal is not yet durable
    // The worker's memory of the current head's failures (the table may lag behind it).
    int64_t head_id = 0;
    int head_failures = 0;
    // Woken by wake_handler(): the head goes out now even if its stored next attempt is later.
    bool skip_backoff = false;
    std::multimap<int64_t, Lane*>::iterator timer;
  };
  struct Handler {
    std::string url;
    size_t busy = 0;
    size_t lanes = 0;
    bool in_ring = false;
    std::deque<Lane*> runnable;
    std::unordered_set<Lane*> waiting;  // its lanes parked until a time (backoff)
  };

  Lanes(size_t total_cap, size_t per_handler_cap);

  static std::string key(const std::string& handler, const std::string& order_key);

  // Discovery saw row `id` of a lane: an idle lane with nothing after it becomes runnable.
  void note_row(const std::string& handler, const std::string& order_key, int64_t id);
  // Up to `max` runnable lanes, handlers taking turns; each now holds a slot.
  std::vector<Lane*> take(size_t max);
  // The lane has no row after last_done: slot released, the lane idles (and may be forgotten).
  void head_absent(Lane* lane);
  // The head is not due before `due_ms` (or failed and retries then): slot released.
  void wait_until(Lane* lane, int64_t due_ms);
  // Head row `id` left the lane (delivered, moved to the failed list, dropped): slot released,
  // the lane goes on with the next row when discovery has seen one.
  void done(Lane* lane, int64_t id);
  // `count` rows of the lane `lane_key` are durably gone from the outbox.
  void committed(const std::string& lane_key, int count);
  // Waiting lanes whose time has come become runnable.
  void wake(int64_t now_ms);
  // A delivery to `handler` succeeded: the handler is back, so every lane of it parked in backoff
  // becomes runnable now (with skip_backoff set) instead of waiting out its own timer. Returns how
  // many were woken.
  size_t wake_handler(Handler* handler);

  int64_t next_wake_ms() const;  // INT64_MAX when no lane waits
  size_t busy() const { return busy_; }
  size_t size() const { return lanes_.size(); }
  size_t waiting() const { return timers_.size(); }
  size_t free_slots() const { return busy_ >= total_cap_ ? 0 : total_cap_ - busy_; }
  const Lane* find(const std::string& lane_key) const;

 private:
  void enqueue(Lane* lane);
  void release(Lane* lane);
  void maybe_forget(Lane* lane);

  size_t total_cap_;
  size_t per_handler_cap_;
  size_t busy_ = 0;
  std::unordered_map<std::string, std::unique_ptr<Handler>> handlers_;
  std::unordered_map<std::string, std::unique_ptr<Lane>> lanes_;
  std::deque<Handler*> ring_;  // handlers with runnable lanes and a free slot, in turn order
  std::multimap<int64_t, Lane*> timers_;
};

}  // namespace imhub
