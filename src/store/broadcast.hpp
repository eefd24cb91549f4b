// Messages to every node on the same store, for what must reach all of them at once and needs no
// durability of its own (push frames, a user first reached on some node). The PostgreSQL store
// sends them with NOTIFY (store/postgres/pg_broadcast.hpp); the SQLite store is one node and has
// none. No backend types here: push/ depends on this interface only.
#pragma once

#include <functional>
#include <string>
#include <string_view>

namespace imhub {

class Broadcast {
 public:
  virtual ~Broadcast() = default;
  // Queues `payload` (UTF-8 text without NUL, any length) for every listener of the topic on
  // every node, this one included; never waits on the network. Every node receives the payloads
  // of all senders in one and the same order (the order their sends committed), a sender's own
  // in the order it sent them. A payload that cannot be sent after retries is dropped and logged:
  // receivers of a broadcast must tolerate a gap (push clients catch up by REST).
  virtual void send(std::string payload) = 0;
  // Starts listening: `on_payload` runs on the broadcast's own thread for every payload received;
  // `on_gap` when the listening connection was lost and replaced (payloads may have been missed
  // meanwhile). Called once, before the first send.
  virtual void start(std::function<void(std::string_view)> on_payload, std::function<void()> on_gap) = 0;
  // Stops both threads; queued payloads not yet sent are dropped.
  virtual void stop() = 0;
};

}  // namespace imhub
