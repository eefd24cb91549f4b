// The in-process push server core: numbered messages kept per channel until their expiry
// (bounded per channel), and the live subscribers of each channel. A client that reconnects
// with the `mid` of the last message it saw gets the stored ones after it, in order, before
// anything new: subscribe() takes the catch-up and the subscription under one lock.
#pragma once

#include <atomic>
#include <cstdint>
#include <deque>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "push/publisher.hpp"

namespace imhub {

using PushFrame = std::shared_ptr<const std::string>;

// A live connection. deliver() is called with the hub's lock held and must only queue.
class PushSubscriber {
 public:
  virtual ~PushSubscriber() = default;
  virtual void deliver(PushFrame frame) = 0;
};

struct PushHubOptions {
  int64_t default_expiry = 86400;  // seconds a message is kept for a reconnecting client
  size_t max_per_channel = 1000;   // oldest messages of a channel dropped past this
  std::string server_name;         // extra.server_name
};

struct PushStats {
  size_t connections = 0;
  size_t channels = 0;
  size_t stored = 0;
  uint64_t published = 0;
  uint64_t frames = 0;  // frames handed to connections (live and catch-up)
  uint64_t catch_up = 0;
};

class PushHub : public PushPublisher {
 public:
  explicit PushHub(PushHubOptions options);
  void publish(PushMessage message) override;

  // Subscribes `s` to `channels`; returns the stored frames published after `last_mid`. An
  // empty mid, or one from another run of the server, catches nothing up.
  std::vector<PushFrame> subscribe(const std::vector<std::string>& channels, const std::shared_ptr<PushSubscriber>& s,
                                   std::string_view last_mid);
  void unsubscribe(const std::vector<std::string>& channels, const PushSubscriber* s);

  // Stored frames of `channels` after `last_mid`, in order (what subscribe() returns).
  std::vector<PushFrame> since(const std::vector<std::string>& channels, std::string_view last_mid);

  // Users' presence on the push server: connected now (0 s) or seconds since they left.
  void seen(int64_t user_id, bool connected);
  // userId → seconds since last seen, for the ids the hub knows.
  std::map<int64_t, int64_t> last_seen(const std::vector<int64_t>& user_ids) const;

  PushStats stats() const;
  // When this hub started (unix seconds): the config's `config_timestamp` and the mid prefix.
  int64_t started() const { return started_; }

 private:
  struct Stored {
    uint64_t seq = 0;
    int64_t expires = 0;
    PushFrame frame;
  };
  struct Channel {
    std::deque<Stored> log;
    std::vector<std::weak_ptr<PushSubscriber>> subscribers;
  };
  void trim(Channel& ch, int64_t now) const;
  std::vector<PushFrame> since_locked(const std::vector<std::string>& channels, uint64_t after, int64_t now);
  uint64_t parse_mid(std::string_view mid) const;
  std::string make_mid(uint64_t seq) const;

  PushHubOptions options_;
  const int64_t started_;  // the mid prefix: mids of another run of the server match nothing
  mutable std::mutex mu_;
  std::unordered_map<std::string, Channel> channels_;
  uint64_t seq_ = 0;
  size_t connections_ = 0;
  uint64_t published_ = 0, frames_ = 0, catch_up_ = 0;
  std::unordered_map<int64_t, std::pair<int, int64_t>> presence_;  // user → (open sockets, last seen)
};

}  // namespace imhub
