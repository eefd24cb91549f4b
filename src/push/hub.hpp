// The in-process push server core: numbered messages kept per channel until their expiry
// (bounded per channel), and the live subscribers of each channel. A client that reconnects
// with the `mid` of the last message it saw gets the stored ones after it, in order, before
// anything new: subscribe() takes the catch-up and the subscription under one lock.
#pragma once

#include <array>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <shared_mutex>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "ops/metrics.hpp"
#include "push/publisher.hpp"

namespace imhub {

// A frame's text and, for a published message, when it was published (the fan-out latency is
// measured from there to the write on the socket). Control frames and answers have no time.
// One frame is shared by every receiver: its text is serialized once, and so is the header of
// the WebSocket frame that carries it (a server's frames are not masked, so the header depends
// on the length alone; RFC 6455 section 5.2), which the transport writes in front of the text.
struct PushFrameData {
  std::string text;
  std::chrono::steady_clock::time_point published{};
  std::string mid;  // of a published message
  std::array<uint8_t, 10> ws_header{};
  uint8_t ws_header_size = 0;
};
using PushFrame = std::shared_ptr<const PushFrameData>;
PushFrame make_push_frame(std::string text, std::chrono::steady_clock::time_point published = {}, std::string mid = {});

// What the transports count while they serve (the hub itself never writes to a socket); read by
// stats() and rendered in /metrics. Relaxed atomics: every counter is independent.
struct PushCounters {
  std::atomic<int64_t> websockets{0};        // open JSON-RPC sockets
  std::atomic<int64_t> long_polls{0};        // long-polling requests waiting now
  std::atomic<int64_t> poll_clients{0};      // long-polling clients subscribed (between polls too)
  std::atomic<int64_t> queued{0};            // frames in the connections' send queues
  std::atomic<uint64_t> frames_sent{0};      // frames written to a client (socket or poll answer)
  std::atomic<uint64_t> drops{0};            // connections closed because their send queue overflowed
  std::atomic<uint64_t> rate_closes{0};      // connections closed for too many client messages
  std::atomic<uint64_t> catch_ups{0};        // (re)connections that came with a mid of this run
  std::atomic<uint64_t> catch_up_frames{0};  // stored frames replayed to them
  Metrics::Histogram fanout;                 // publish → frame written, seconds
};

// A live connection. deliver() is called with the hub's lock held and must only queue.
class PushSubscriber {
 public:
  virtual ~PushSubscriber() = default;
  virtual void deliver(PushFrame frame) = 0;

 private:
  friend class PushHub;
  uint64_t delivered_seq_ = 0;  // the hub's, under its lock: a message reaches a connection once
};

struct PushHubOptions {
  int64_t default_expiry = 86400;  // seconds a message is kept for a reconnecting client
  size_t max_per_channel = 1000;   // oldest messages of a channel dropped past this
  std::string server_name;         // extra.server_name
};

struct PushStats {
  size_t connections = 0;  // subscribed connections (sockets and waiting polls)
  size_t channels = 0;
  size_t stored = 0;  // messages kept for reconnecting clients, over all channels
  uint64_t published = 0;
  uint64_t frames = 0;  // frames handed to connections (live and catch-up)
  uint64_t catch_up = 0;
  size_t status_watchers = 0;  // subscribeStatusChange subscriptions
};

// Where a hub of a node among several sends what it publishes (push/cluster.hpp): every node,
// this one included, hands it back to its hub through inject(), all in one order. Without a
// relay the hub is a single node's and publish() stores and delivers at once. The functions
// `status_alias` and `presence` are called with the hub's lock held: they must only queue.
struct PushRelay {
  // A message: its mid (chosen by the publishing node), channels, expiry (unix seconds) and the
  // frame's whole text.
  std::function<void(const std::string& mid, const std::vector<std::string>& channels, int64_t expires,
                     const std::string& text)>
      message;
  // A user's connection subscribed on this node for the first time (may_reach_user).
  std::function<void(int64_t user_id)> reached;
  // A status-change frame made here under `mid`: the other nodes resolve it to the place of
  // `after` (the last relayed mid before it; "" when none), so a client reconnecting elsewhere
  // with it catches up from there (record_alias).
  std::function<void(const std::string& mid, const std::string& after)> status_alias;
  // This node's first connection of a user opened (true) or its last closed (false).
  std::function<void(int64_t user_id, bool online)> presence;
};

class PushHub : public PushPublisher {
 public:
  explicit PushHub(PushHubOptions options);
  // With a relay (set before the hub is used), publish() hands the message to it and nothing is
  // delivered until it comes back through inject(). Mids are then the publishing node's:
  // `node_token` (10 digits, distinct per node and run) and its own counter, so every node stores
  // a message under the same mid and a client catches up by mid on whichever node it reconnects
  // to (docs/postgresql.md "Several nodes").
  void set_relay(PushRelay relay, std::string node_token);
  void publish(PushMessage message) override;
  // A message relayed by some node (see PushRelay): stored and delivered as publish() does
  // without a relay. Messages must be injected in the same order on every node.
  void inject(const std::string& mid, const std::vector<std::string>& channels, int64_t expires, std::string text);
  // Another node's connection of `user_id` subscribed (may_reach_user is true from here on).
  void mark_reached(int64_t user_id);
  // Another node made a status frame under `mid` after the relayed `after` (PushRelay).
  void record_alias(const std::string& mid, const std::string& after);

  // Presence on other nodes (push/cluster.hpp): node `node` has `user_id` online or not any more;
  // or its whole list of online users (a heartbeat); nodes not heard from since `before` (unix
  // seconds) are forgotten with their users. A user is online while some node has them online;
  // status watchers here are told when that changes.
  void remote_presence(const std::string& node, int64_t user_id, bool online);
  void remote_snapshot(const std::string& node, const std::vector<int64_t>& online_users);
  void forget_silent_nodes(int64_t before);
  // Users with a WebSocket open on this node (what its heartbeat tells the others).
  std::vector<int64_t> local_online_users() const;

  // Subscribes `s` (a connection of `user_id`; 0: of no user) to `channels`; returns the stored
  // frames published after `last_mid`. An empty mid, or one from another run of the server,
  // catches nothing up. From here on may_reach_user(user_id) is true.
  std::vector<PushFrame> subscribe(const std::vector<std::string>& channels, const std::shared_ptr<PushSubscriber>& s,
                                   std::string_view last_mid, int64_t user_id = 0);
  bool may_reach_user(int64_t user_id) const override;
  bool may_reach_any(const std::vector<int64_t>& user_ids) const override;
  void unsubscribe(const std::vector<std::string>& channels, const PushSubscriber* s);

  // Stored frames of `channels` after `last_mid`, in order (what subscribe() returns).
  std::vector<PushFrame> since(const std::vector<std::string>& channels, std::string_view last_mid);

  // Users' presence on the push server: connected now (0 s) or seconds since they left. The
  // first connection of a user and the close of its last one tell the status watchers (with a
  // relay: the first and last on every node, see remote_presence).
  void seen(int64_t user_id, bool connected);
  // A long-polling client is present until `until` (unix seconds): its poll's end plus the moment
  // it takes to poll again. It never counts as a status change.
  void present_until(int64_t user_id, int64_t until);
  // subscribeStatusChange (§4.4, §5.4): `s` gets `online`/`userStatusChange` {user_id, online}
  // whenever `user_id` comes online or goes offline, until it unwatches or goes away.
  void watch_status(int64_t user_id, const std::shared_ptr<PushSubscriber>& s);
  void unwatch_status(int64_t user_id, const PushSubscriber* s);

  // The mid of the newest message published so far (a long poll that times out hands it to the
  // client as Last-Message-Id, so the next poll catches up whatever came in between).
  std::string last_mid() const;
  // userId → seconds since last seen, for the ids the hub knows.
  std::map<int64_t, int64_t> last_seen(const std::vector<int64_t>& user_ids) const;

  PushStats stats() const;
  PushCounters& counters() { return counters_; }
  const PushCounters& counters() const { return counters_; }
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
  // The sequence number in a mid of this run (0 is valid: "before the first message").
  std::optional<uint64_t> parse_mid(std::string_view mid) const;
  // The frame of the next sequence number around `body` (serialized, `extra` complete) and
  // `sender` (serialized): text is joined, not serialized, under the lock.
  PushFrame frame_locked(std::string_view body, std::string_view extra_members, std::string_view sender);
  void tell_status_locked(int64_t user_id, bool online);
  std::string make_mid(uint64_t seq) const;
  // Stores `frame` (sequence `seq`) in `channels` (sorted, unique) and hands it to their live
  // subscribers, once per connection.
  void store_and_deliver_locked(const std::vector<std::string>& channels, uint64_t seq, int64_t expires,
                                const PushFrame& frame, int64_t now);
  // With a relay: the next mid this node chooses, and a relayed mid (or alias) → its sequence here.
  std::string origin_mid();
  void remember_mid_locked(const std::string& mid, uint64_t seq, int64_t expires, int64_t now);
  std::optional<uint64_t> parse_relayed_mid_locked(std::string_view mid) const;
  bool online_locked(int64_t user_id) const;
  // A remote node's view of one user changed: last seen moves, watchers are told of a change.
  void set_remote_locked(const std::string& node, int64_t user_id, bool online, int64_t now);

  PushHubOptions options_;
  const int64_t started_;  // the mid prefix: mids of another run of the server match nothing
  mutable std::mutex mu_;
  std::unordered_map<std::string, Channel> channels_;
  uint64_t seq_ = 0;
  size_t connections_ = 0;
  uint64_t published_ = 0, frames_ = 0, catch_up_ = 0;
  std::unordered_map<int64_t, std::pair<int, int64_t>> presence_;  // user → (open sockets, last seen)
  std::unordered_map<int64_t, std::vector<std::weak_ptr<PushSubscriber>>> status_watchers_;  // watched user → who
  PushCounters counters_;
  // Users with a connection that subscribed in this run (may_reach_user). Its own lock: the im
  // push asks once per receiver of every message, and must not queue behind the hub's.
  mutable std::shared_mutex reached_mu_;
  std::unordered_set<int64_t> reached_;

  // With a relay (set_relay): the mids of relayed messages → this hub's sequence numbers, oldest
  // first in `relayed_order_` (removed once expired, or past kMaxRelayedMids).
  PushRelay relay_;
  std::string node_token_;
  std::atomic<uint64_t> origin_seq_{0};
  std::unordered_map<std::string, uint64_t> relayed_;
  std::deque<std::pair<int64_t, std::string>> relayed_order_;  // (expires, mid)
  std::string last_relayed_mid_;
  std::string last_frame_mid_;
  struct RemoteNode {
    std::unordered_set<int64_t> online;
    int64_t heard = 0;
  };
  std::unordered_map<std::string, RemoteNode> remote_nodes_;
  std::unordered_map<int64_t, int> remote_online_;  // user → nodes that have them online
};

}  // namespace imhub
