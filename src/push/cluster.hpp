// Push across the nodes of one store: relays what a node's hub publishes to every node's hub
// (its own included) over the store's Broadcast (store/broadcast.hpp; LISTEN/NOTIFY on
// PostgreSQL), and tells the other nodes when a user's connection first subscribes here.
//
// The publishing node chooses the mid and builds the whole frame; every node injects it into its
// hub in the one order the broadcast gives all of them. So the frame a user receives is the same
// on every node, and a client that reconnects to another node catches up after the same mid
// (docs/postgresql.md "Several nodes"). The publishing node's own subscribers get the message
// through the same round trip: nowhere is it delivered before it is ordered.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
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

  // The wire form of what the nodes tell each other (one broadcast payload each).
  static std::string encode_message(const std::string& mid, const std::vector<std::string>& channels, int64_t expires,
                                    const std::string& text);
  static std::string encode_reached(int64_t user_id);

 private:
  PushHub& hub_;
  std::unique_ptr<Broadcast> broadcast_;
};

// 10 random digits naming this node's run in the mids it chooses (PushHub::set_relay).
std::string make_node_token();

}  // namespace imhub
