#include "events/lanes.hpp"

#include <limits>

namespace imhub {

Lanes::Lanes(size_t total_cap, size_t per_handler_cap)
    : total_cap_(total_cap ? total_cap : 1), per_handler_cap_(per_handler_cap ? per_handler_cap : 1) {}

std::string Lanes::key(const std::string& handler, const std::string& order_key) {
  std::string k = handler;
  k += '\n';  // cannot occur in a URL
  k += order_key;
  return k;
}

void Lanes::note_row(const std::string& handler, const std::string& order_key, int64_t id) {
  std::string k = key(handler, order_key);
  auto it = lanes_.find(k);
  if (it == lanes_.end()) {
    auto& h = handlers_[handler];
    if (!h) {
      h = std::make_unique<Handler>();
      h->url = handler;
    }
    auto lane = std::make_unique<Lane>();
    lane->key = k;
    lane->order_key = order_key;
    lane->handler = h.get();
    ++h->lanes;
    it = lanes_.emplace(std::move(k), std::move(lane)).first;
  }
  Lane* lane = it->second.get();
  if (id > lane->max_seen) lane->max_seen = id;
  if (lane->state == Lane::State::kIdle && id > lane->last_done) enqueue(lane);
}

void Lanes::enqueue(Lane* lane) {
  lane->state = Lane::State::kQueued;
  Handler* h = lane->handler;
  h->runnable.push_back(lane);
  if (!h->in_ring && h->busy < per_handler_cap_) {
    h->in_ring = true;
    ring_.push_back(h);
  }
}

std::vector<Lanes::Lane*> Lanes::take(size_t max) {
  std::vector<Lane*> out;
  while (out.size() < max && busy_ < total_cap_ && !ring_.empty()) {
    Handler* h = ring_.front();
    ring_.pop_front();
    if (h->runnable.empty() || h->busy >= per_handler_cap_) {
      h->in_ring = false;
      continue;
    }
    Lane* lane = h->runnable.front();
    h->runnable.pop_front();
    lane->state = Lane::State::kBusy;
    ++h->busy;
    ++busy_;
    out.push_back(lane);
    if (!h->runnable.empty() && h->busy < per_handler_cap_) {
      ring_.push_back(h);
    } else {
      h->in_ring = false;
    }
  }
  return out;
}

void Lanes::release(Lane* lane) {
  Handler* h = lane->handler;
  --h->busy;
  --busy_;
  if (!h->in_ring && !h->runnable.empty() && h->busy < per_handler_cap_) {
    h->in_ring = true;
    ring_.push_back(h);
  }
}

void Lanes::head_absent(Lane* lane) {
  release(lane);
  lane->state = Lane::State::kIdle;
  maybe_forget(lane);
}

void Lanes::wait_until(Lane* lane, int64_t due_ms) {
  release(lane);
  lane->state = Lane::State::kWaiting;
  lane->timer = timers_.emplace(due_ms, lane);
  lane->handler->waiting.insert(lane);
}

void Lanes::done(Lane* lane, int64_t id) {
  release(lane);
  lane->last_done = id;
  lane->head_id = 0;
  lane->head_failures = 0;
  ++lane->uncommitted;
  if (lane->max_seen > id) {
    enqueue(lane);
  } else {
    lane->state = Lane::State::kIdle;
  }
}

void Lanes::committed(const std::string& lane_key, int count) {
  auto it = lanes_.find(lane_key);
  if (it == lanes_.end()) return;
  Lane* lane = it->second.get();
  lane->uncommitted -= count;
  if (lane->uncommitted < 0) lane->uncommitted = 0;
  maybe_forget(lane);
}

void Lanes::wake(int64_t now_ms) {
  while (!timers_.empty() && timers_.begin()->first <= now_ms) {
    Lane* lane = timers_.begin()->second;
    timers_.erase(timers_.begin());
    lane->handler->waiting.erase(lane);
    enqueue(lane);
  }
}

size_t Lanes::wake_handler(Handler* handler) {
  const std::vector<Lane*> parked(handler->waiting.begin(), handler->waiting.end());
  handler->waiting.clear();
  for (Lane* lane : parked) {
    timers_.erase(lane->timer);
    lane->skip_backoff = true;
    enqueue(lane);
  }
  return parked.size();
}

int64_t Lanes::next_wake_ms() const {
  return timers_.empty() ? std::numeric_limits<int64_t>::max() : timers_.begin()->first;
}

const Lanes::Lane* Lanes::find(const std::string& lane_key) const {
  auto it = lanes_.find(lane_key);
  return it == lanes_.end() ? nullptr : it->second.get();
}

// An idle lane with nothing pending is dropped, so memory follows the live lanes, not every
// chat that ever had an event; discovery recreates it when a new row arrives.
void Lanes::maybe_forget(Lane* lane) {
  if (lane->state != Lane::State::kIdle || lane->uncommitted > 0) return;
  Handler* h = lane->handler;
  const std::string k = lane->key;  // erase() must not read the key of the node it destroys
  lanes_.erase(k);
  if (--h->lanes == 0 && h->busy == 0 && !h->in_ring && h->runnable.empty()) {
    const std::string url = h->url;
    handlers_.erase(url);
  }
}

}  // namespace imhub
