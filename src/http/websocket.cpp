#include "http/websocket.hpp"

#include <spdlog/spdlog.h>

#include <boost/asio.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <chrono>
#include <deque>
#include <functional>

#include "api/services.hpp"
#include "core/clock.hpp"
#include "http/push_origin.hpp"
#include "http/push_session.hpp"
#include "push/channel.hpp"
#include "push/hub.hpp"
#include "rest/decode.hpp"

namespace imhub {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
template <class T = void>
using awaitable = asio::awaitable<T, PushExecutor>;

namespace {

constexpr asio::use_awaitable_t<PushExecutor> use_aw;
constexpr auto kTick = std::chrono::milliseconds(500);  // how often the writer looks at pings and stop()
constexpr int kRateWindowSeconds = 10;
// Close codes (protocol-push.md §6.2): the client reloads its config after 4010.
constexpr uint16_t kWrongChannel = 4010;

// One subscribed connection: frames from the hub are posted to its home thread and written in
// order by its writer; nothing here ever blocks a publisher.
class PushConnection : public PushSubscriber, public std::enable_shared_from_this<PushConnection> {
 public:
  PushConnection(PushExecutor home, size_t queue_limit, PushCounters& counters)
      : home_(home), wake_(home), queue_limit_(queue_limit), counters_(counters) {}
  ~PushConnection() override { counters_.queued.fetch_sub(static_cast<int64_t>(queue_.size())); }

  void deliver(PushFrame frame) override {
    asio::post(home_, [weak = weak_from_this(), frame = std::move(frame)]() mutable {
      if (auto self = weak.lock()) self->enqueue(std::move(frame), true);
    });
  }

  // On the home thread. Live frames past the limit drop the connection (the client reconnects
  // with the mid of the last frame it read and catches up); catch-up and answers are never
  // refused.
  void enqueue(PushFrame frame, bool live) {
    if (close_code_) return;
    if (live && queue_.size() >= queue_limit_) {
      counters_.drops.fetch_add(1, std::memory_order_relaxed);
      counters_.queued.fetch_sub(static_cast<int64_t>(queue_.size()));
      queue_.clear();
      close(1013, "send queue overflow");
      // A client that does not read keeps the writer inside its write: cut the socket, the
      // close handshake could not get through anyway.
      if (writing_ && abort_) abort_();
      return;
    }
    queue_.push_back({std::move(frame), live});
    counters_.queued.fetch_add(1, std::memory_order_relaxed);
    wake_.cancel();
  }
  void enqueue_text(std::string text) { enqueue(make_push_frame(std::move(text)), false); }
  void close(uint16_t code, std::string reason) {
    if (close_code_) return;
    close_code_ = code;
    close_reason_ = std::move(reason);
    wake_.cancel();
  }

  struct Queued {
    PushFrame frame;
    bool live = false;  // published while connected (timed for the fan-out latency)
  };
  std::deque<Queued> queue_;
  PushExecutor home_;
  asio::steady_timer wake_;
  size_t queue_limit_;
  PushCounters& counters_;
  std::function<void()> abort_;  // shuts the TCP socket down (set by serve())
  bool writing_ = false;
  uint16_t close_code_ = 0;
  std::string close_reason_;
  bool reader_done_ = false;
  bool writer_done_ = false;
};

template <class WS>
awaitable<> write_loop(WS& ws, std::shared_ptr<PushConnection> conn, const std::atomic<bool>& stopping,
                       int ping_seconds) {
  beast::error_code ec;
  PushCounters& counters = conn->counters_;
  auto next_ping = std::chrono::steady_clock::now() + std::chrono::seconds(ping_seconds);
  while (!conn->reader_done_) {
    if (stopping && !conn->close_code_) conn->close(websocket::close_code::going_away, "server stopping");
    if (conn->close_code_) {
      ws.text(true);
      co_await ws.async_close(
          websocket::close_reason(static_cast<websocket::close_code>(conn->close_code_), conn->close_reason_),
          asio::redirect_error(use_aw, ec));
      break;
    }
    if (conn->queue_.empty()) {
      if (std::chrono::steady_clock::now() >= next_ping) {
        conn->enqueue_text("ping");
        next_ping = std::chrono::steady_clock::now() + std::chrono::seconds(ping_seconds);
        continue;
      }
      conn->wake_.expires_after(kTick);
      co_await conn->wake_.async_wait(asio::redirect_error(use_aw, ec));
      continue;
    }
    PushConnection::Queued next = std::move(conn->queue_.front());
    conn->queue_.pop_front();
    counters.queued.fetch_sub(1, std::memory_order_relaxed);
    ws.text(true);
    conn->writing_ = true;
    co_await ws.async_write(asio::buffer(next.frame->text), asio::redirect_error(use_aw, ec));
    conn->writing_ = false;
    if (ec) break;
    counters.frames_sent.fetch_add(1, std::memory_order_relaxed);
    if (next.live && next.frame->published.time_since_epoch().count() != 0)
      counters.fanout.observe(
          std::chrono::duration<double>(std::chrono::steady_clock::now() - next.frame->published).count());
  }
  conn->writer_done_ = true;
  conn->wake_.cancel();
}

template <class Stream>
awaitable<> serve(Stream& stream, PushRequest request, Services& services, const std::atomic<bool>& stopping) {
  const Config& config = services.config;
  if (co_await refused_cross_origin(stream, request, config)) co_return;  // session cookie, foreign page
  websocket::stream<Stream&> ws(stream);
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = std::chrono::seconds(config.push_ping_interval * 3);  // the client pongs every ping
  timeouts.keep_alive_pings = false;
  ws.set_option(timeouts);
  ws.read_message_max(static_cast<size_t>(config.push_max_frame_bytes));
  ws.auto_fragment(false);  // one frame per message: fewer headers and writes for large bodies
  std::string_view path, query;
  const std::string target(request.target());
  split_target(target, path, query);
  const std::string mid = push_query_param(query, "mid");
  const auto token = push_token(services, push_query_param(query, "token"));
  beast::error_code ec;
  co_await ws.async_accept(request, asio::redirect_error(use_aw, ec));
  if (ec) co_return;
  if (!token) {
    co_await ws.async_close(
        websocket::close_reason(static_cast<websocket::close_code>(kWrongChannel), "Wrong channel id"),
        asio::redirect_error(use_aw, ec));
    co_return;
  }
  PushHub& hub = *services.push;
  PushCounters& counters = hub.counters();
  auto conn =
      std::make_shared<PushConnection>(ws.get_executor(), static_cast<size_t>(config.push_send_queue), counters);
  conn->abort_ = [&ws] {
    beast::error_code e;
    beast::get_lowest_layer(ws).shutdown(asio::socket_base::shutdown_both, e);
  };
  counters.websockets.fetch_add(1, std::memory_order_relaxed);
  for (auto& frame : hub.subscribe(token->channels, conn, mid)) conn->enqueue(std::move(frame), false);
  hub.seen(token->user_id, true);
  asio::co_spawn(ws.get_executor(), write_loop(ws, conn, stopping, config.push_ping_interval), asio::detached);

  auto rpc = std::make_unique<PushRpc>(services, *token, conn);
  beast::flat_buffer buffer;
  int64_t window_start = now_unix_seconds();
  int in_window = 0;
  while (!conn->writer_done_) {
    buffer.clear();
    co_await ws.async_read(buffer, asio::redirect_error(use_aw, ec));
    if (ec) break;
    if (now_unix_seconds() - window_start >= kRateWindowSeconds) {
      window_start = now_unix_seconds();
      in_window = 0;
    }
    if (++in_window > config.push_max_client_messages) {
      if (!conn->close_code_) counters.rate_closes.fetch_add(1, std::memory_order_relaxed);
      conn->close(websocket::close_code::policy_error, "too many messages");
      continue;  // the writer closes; this read ends with the close handshake
    }
    const std::string text = beast::buffers_to_string(buffer.data());
    if (text == "pong" || text.rfind("mack:", 0) == 0) continue;  // liveness and acks (§4.4)
    std::string reply = rpc->answer(text);
    if (!reply.empty()) conn->enqueue_text(std::move(reply));
  }
  conn->reader_done_ = true;
  conn->wake_.cancel();
  rpc.reset();  // drops its status subscriptions
  hub.unsubscribe(token->channels, conn.get());
  hub.seen(token->user_id, false);
  counters.websockets.fetch_sub(1, std::memory_order_relaxed);
  // The writer holds `ws`, which lives in this frame: wait until it has let go.
  asio::steady_timer wait(ws.get_executor());
  while (!conn->writer_done_) {
    wait.expires_after(std::chrono::milliseconds(20));
    co_await wait.async_wait(asio::redirect_error(use_aw, ec));
  }
  conn->abort_ = nullptr;
}

}  // namespace

bool is_push_upgrade(const Services& services, std::string_view path, const PushRequest& request) {
  static const std::string kPath = normalize_path(kPushWebSocketPath);
  return services.push && path == kPath && websocket::is_upgrade(request);
}

awaitable<> serve_push_socket(PushSocket& socket, PushRequest request, Services& services,
                              const std::atomic<bool>& stopping) {
  return serve(socket, std::move(request), services, stopping);
}

awaitable<> serve_push_socket(beast::ssl_stream<PushSocket&>& socket, PushRequest request, Services& services,
                              const std::atomic<bool>& stopping) {
  return serve(socket, std::move(request), services, stopping);
}

}  // namespace imhub
