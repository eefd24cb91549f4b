// Long polling, the push server's fallback transport, in the JSON-RPC mode of server version 5
// (protocol-push.md §4.3, §4.4), and its publication URL:
// - GET  /bitrix/sub/?token=<jwt>&jsonRpc=true[&mid=…]: 200 with a JSON-RPC batch of
//   `incoming.message` requests (and answers to the client's calls) as soon as there is
//   something, else after [push] long_polling_timeout seconds 304 with the `Expires` marker the
//   SDK recognises and `Last-Message-Id`.
// - POST /bitrix/pub/<jwt>/: what the SDK's long-polling connector sends instead of WebSocket
//   frames: `mack:<mid>` (nothing to do), or a JSON-RPC call (§4.4; the SDK 2.2.0 makes its calls
//   over WebSocket only), answered in the client's next poll.
// A client (one token: every config carries a fresh one) stays subscribed between its polls, so
// nothing published in between is lost; one that stops polling, or whose queue overflows, is
// dropped and catches up by `mid` when it comes back. A waiting poll holds no thread: it is a
// coroutine on an async timer.
#pragma once

#include <atomic>
#include <memory>
#include <string_view>
#include <utility>  // before asio's awaitable.hpp, which uses std::exchange without it

#include <boost/asio/awaitable.hpp>
#include <boost/asio/io_context.hpp>

#include "rest/dispatcher.hpp"

namespace imhub {

struct Services;

class PushPolls {
 public:
  PushPolls();
  ~PushPolls();
  PushPolls(const PushPolls&) = delete;
  PushPolls& operator=(const PushPolls&) = delete;

  struct Impl;

 private:
  std::unique_ptr<Impl> impl_;
  friend boost::asio::awaitable<HttpReply, boost::asio::io_context::executor_type> serve_push_http(
      PushPolls&, const HttpRequestView&, Services&, const std::atomic<bool>&);
};

// Whether `path` (normalised) is the long-polling or the publication path.
bool is_push_http(const Services& services, std::string_view path);

// Serves one request on those paths; a poll waits on the calling thread's io_context without
// blocking it, and ends early when `stopping` turns true.
boost::asio::awaitable<HttpReply, boost::asio::io_context::executor_type> serve_push_http(
    PushPolls& polls, const HttpRequestView& request, Services& services, const std::atomic<bool>& stopping);

}  // namespace imhub
