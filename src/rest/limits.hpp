// Cloud-style limits (protocol.md §6), off by default on imhub and configurable:
//  - LeakyBucket: each request adds 1, the level drains at `rate` per second, a request that
//    would lift it over `burst` is refused with the seconds until it would fit (Retry-After).
//  - OperatingClock: per (credential, method) execution time over 10 one-minute buckets, each
//    expiring 600 s after its first call; only requests over 0.1 s are recorded.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace imhub {

class LeakyBucket {
 public:
  LeakyBucket(double rate, double burst) : rate_(rate), burst_(burst) {}
  // nullopt = admitted; otherwise seconds to wait before retrying.
  std::optional<double> admit(const std::string& key, double now);

 private:
  struct Level {
    double value = 0;
    double at = 0;
  };
  double rate_;
  double burst_;
  std::mutex mu_;
  std::unordered_map<std::string, Level> levels_;
};

class OperatingClock {
 public:
  explicit OperatingClock(double record_threshold = 0.1) : record_threshold_(record_threshold) {}
  static constexpr int kBuckets = 10;
  static constexpr int64_t kBucketSeconds = 60;
  static constexpr int64_t kLifetime = 600;

  struct State {
    double operating = 0;
    int64_t reset_at = 0;  // unix time the oldest bucket drops (now + lifetime when empty)
  };
  // Whether `seconds` is long enough to be recorded at all (most calls are not).
  bool counts(double seconds) const { return seconds > record_threshold_; }
  void record(const std::string& key, double seconds, int64_t now);
  State state(const std::string& key, int64_t now);
  // False until the first call is recorded: until then every state is empty and needs no lookup.
  bool any_recorded() const { return any_recorded_.load(std::memory_order_relaxed); }

 private:
  struct Bucket {
    int64_t first = 0;
    double seconds = 0;
  };
  // Sharded by key so concurrent requests of different callers/methods do not contend.
  struct alignas(64) Shard {
    std::mutex mu;
    std::unordered_map<std::string, std::vector<Bucket>> buckets;
  };
  static constexpr size_t kShards = 16;
  Shard& shard(const std::string& key) { return shards_[std::hash<std::string>{}(key) % kShards]; }
  double record_threshold_;  // seconds; shorter calls are not recorded, as on Bitrix24
  std::array<Shard, kShards> shards_;
  std::atomic<bool> any_recorded_{false};
};

}  // namespace imhub
