// What the push server's two transports share (protocol-push.md §4.4): the query parameters of a
// subscription, the token check, and the answers to a client's JSON-RPC calls (`ping`,
// `listChannels`, `getUsersLastSeen`, `publish`, `subscribeStatusChange`,
// `unsubscribeStatusChange`). The WebSocket answers on its socket, long polling in the next poll.
#pragma once

#include <cstdint>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>

#include "push/jwt.hpp"

namespace imhub {

struct Services;
class PushHub;
class PushSubscriber;
class Value;

// One query parameter, URL-decoded ("" when absent).
std::string push_query_param(std::string_view query, std::string_view name);

// The token of a subscription or publication, verified (constant time) and not expired.
std::optional<PushToken> push_token(const Services& services, std::string_view token_text);

class PushRpc {
 public:
  // `me` receives the status changes this client subscribes to (may be null: then
  // subscribeStatusChange is refused as unsupported).
  PushRpc(Services& services, PushToken token, std::weak_ptr<PushSubscriber> me);
  ~PushRpc();  // drops the status subscriptions
  PushRpc(const PushRpc&) = delete;
  PushRpc& operator=(const PushRpc&) = delete;

  // The client's JSON-RPC request (or batch); the answer text, "" for none.
  std::string answer(std::string_view text);
  const PushToken& token() const { return token_; }

 private:
  std::string answer_one(const Value& r);
  std::string publish(const Value& params);
  std::string status_subscription(const Value& params, bool on);

  Services& services_;
  PushHub& hub_;
  const PushToken token_;
  std::weak_ptr<PushSubscriber> me_;
  std::set<int64_t> watched_;  // users whose status this client subscribed to
};

}  // namespace imhub
