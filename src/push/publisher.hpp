// The one way anything is published to push channels (protocol-push.md §7): the in-process hub
// (push/hub.hpp), which on a PostgreSQL store relays every message through LISTEN/NOTIFY
// (push/cluster.hpp) so that a user connected to node A receives what was written through node B.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "core/value.hpp"

namespace imhub {

enum class PushSender { kBackend = 2, kClient = 1 };

struct PushMessage {
  std::vector<std::string> channels;  // unsigned channel ids
  Value body;                         // {module_id, command, params, extra}
  // Or the body already serialized (then `body` is ignored): a JSON object whose last member is
  // a non-empty `extra` object without the keys the pull module adds (server_time, server_time_unix,
  // server_name, revision_web, revision_mobile); the publisher appends those to it, so receivers
  // get the same text as from `body`. What builds one text for many receivers uses it.
  std::string body_json;
  int64_t expiry = 0;  // seconds; 0 = the configured default
  PushSender sender = PushSender::kBackend;
  std::string sender_id;  // the publishing client's public id (kClient)
};

class PushPublisher {
 public:
  virtual ~PushPublisher() = default;
  // Thread-safe and quick: stores the message and queues it to the connected subscribers;
  // never waits for a client.
  virtual void publish(PushMessage message) = 0;
  // False only when what is published to `user_id`'s private channel can never be read: no
  // connection of that user has subscribed since the publisher started, so no client of theirs
  // holds a mid to catch up from, and a first connection catches nothing up. The im push asks
  // before it builds a frame, so users who were never online cost nothing. Thread-safe, quick.
  virtual bool may_reach_user(int64_t user_id) const {
    (void)user_id;
    return true;
  }
  // Whether may_reach_user is true for any of `user_ids` (a hub answers it under one lock).
  virtual bool may_reach_any(const std::vector<int64_t>& user_ids) const {
    for (int64_t id : user_ids)
      if (may_reach_user(id)) return true;
    return false;
  }
};

}  // namespace imhub
