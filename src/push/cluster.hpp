// Push across the nodes of one store: relays what a node's hub publishes to every node's hub
// (its own included) over the store's Broadcast (store/broadcast.hpp; LISTEN/NOTIFY on
// PostgreSQL), and tells the other nodes when a user's connection first subscribes here.
//
// Presence: each node tells the others when a user's first connection on it opens or its last
// closes, and every kHeartbeatSeconds its whole list of online users (so a node that starts late
// learns who is online, and a lost message is repaired); a node not heard from for
// kSilentSeconds (killed) is forgotten with its users. A status watcher on any node is told
// when a user comes online on some node or leaves the last.
//
// The publishing node chooses the mid and builds the whole frame; every node injects it into its
// hub in the one order the broadcast gives all of them. So the frame a user receives is the same
// on every node, and a client that reconnects to another node catches up after the same mid
// (docs/postgresql.md "Several nodes"). The publishing node's own subscribers get the message
// through the same round trip: nowhere is it delivered before it is ordered.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "store/broadcast.hpp"

namespace imhub {

class PushHub;

class PushCluster {
 public:
  // Sets `hub`'s relay; start() before the hub is used by anyone.
  PushCluster(PushHub& hub, std::unique_ptr<Broadcast> broadcast);
  ~PushCluster();
  PushCluster(const PushCluster&) = delete;
  PushCluster& operator=(const PushCluster&) = delete;

  void start();
  void stop();
  // A payload received from the broadcast (public for the unit test, which has no PostgreSQL).
  void receive(std::string_view payload);

  static constexpr int kHeartbeatSeconds = 10;
  static constexpr int kSilentSeconds = 35;

  // The wire form of what the nodes tell each other (one broadcast payload each).
  static std::string encode_message(const std::string& mid, const std::vector<std::string>& channels, int64_t expires,
                                    const std::string& text);
  static std::string encode_reached(int64_t user_id);
  const std::string& node_token() const { return token_; }

 private:
  void heartbeat_loop();

  PushHub& hub_;
  std::unique_ptr<Broadcast> broadcast_;
  const std::string token_;
  std::mutex mu_;
  std::condition_variable cv_;
  bool stopping_ = false;
  std::thread heartbeat_;
};

// 10 random digits naming this node's run in the mids it chooses (PushHub::set_relay).
std::string make_node_token();

}  // namespace imhub
