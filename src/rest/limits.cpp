#include "rest/limits.hpp"

#include <algorithm>

namespace imhub {

std::optional<double> LeakyBucket::admit(const std::string& key, double now) {
  std::lock_guard lock(mu_);
  Level& l = levels_[key];
  l.value = std::max(0.0, l.value - (now - l.at) * rate_);
  l.at = now;
  if (l.value + 1 > burst_) return (l.value + 1 - burst_) / rate_;
  l.value += 1;
  return std::nullopt;
}

void OperatingClock::record(const std::string& key, double seconds, int64_t now) {
  if (!counts(seconds)) return;
  any_recorded_.store(true, std::memory_order_relaxed);
  Shard& sh = shard(key);
  std::lock_guard lock(sh.mu);
  auto& list = sh.buckets[key];
  list.erase(std::remove_if(list.begin(), list.end(), [&](const Bucket& b) { return b.first + kLifetime <= now; }),
             list.end());
  if (!list.empty() && now - list.back().first < kBucketSeconds) {
    list.back().seconds += seconds;
  } else {
    list.push_back({now, seconds});
    if (list.size() > kBuckets) list.erase(list.begin());
  }
}

OperatingClock::State OperatingClock::state(const std::string& key, int64_t now) {
  Shard& sh = shard(key);
  std::lock_guard lock(sh.mu);
  State s;
  s.reset_at = now + kLifetime;
  auto it = sh.buckets.find(key);
  if (it == sh.buckets.end()) return s;
  bool first = true;
  for (const Bucket& b : it->second) {
    if (b.first + kLifetime <= now) continue;
    s.operating += b.seconds;
    if (first) s.reset_at = b.first + kLifetime;
    first = false;
  }
  return s;
}

}  // namespace imhub
