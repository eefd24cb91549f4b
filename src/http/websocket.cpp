#include "http/websocket.hpp"

#include <spdlog/spdlog.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include <boost/asio.hpp>
#include <boost/beast/core/buffers_to_string.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <cerrno>
#include <chrono>
#include <deque>
#include <memory>
#include <mutex>
#include <type_traits>
#include <vector>

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

// How frames reach a client (protocol-push.md §4.4, docs/architecture.md "Realtime"):
//
//   hub (any thread, its lock held) → the PushHome inbox of the connection's io thread (one
//   handler posted per batch, not per frame) → the connection's queue → one write of everything
//   queued (up to kBatchFrames), straight from the handler: each frame's text and WebSocket header
//   were made once by the hub for every receiver, so a write is a gather of shared buffers (a
//   plain socket's sendmsg; TLS copies them into one record stream).
//
// Beast does the handshake, the reading, the control frames it answers itself (pong, the close
// reply) and the closing handshake. Its writes go through GatedStream, which keeps them and the
// connection's own writes from interleaving on the socket. Pings are sent by one timer per io
// thread (PushHome), so an idle connection costs no wakeup between them.

namespace {

constexpr asio::use_awaitable_t<PushExecutor> use_aw;
constexpr int kRateWindowSeconds = 10;
constexpr int kAckAllowance = 20;  // `mack:` frames a client may send per window, times max_client_messages

bool is_ack(std::string_view text) { return text.starts_with("mack:"); }

// Frames a client sends per kRateWindowSeconds. The SDK acknowledges every message it reads
// (`mack:`), so a busy reader sends as many acks as it gets messages: they have an allowance of
// their own, kAckAllowance times the other frames'.
class ClientRate {
 public:
  explicit ClientRate(int max) : max_(max) {}
  bool over(bool ack) {
    const int64_t now = now_unix_seconds();
    if (now - window_start_ >= kRateWindowSeconds) {
      window_start_ = now;
      frames_ = acks_ = 0;
    }
    return ack ? ++acks_ > max_ * kAckAllowance : ++frames_ > max_;
  }

 private:
  int max_;
  int64_t window_start_ = now_unix_seconds();
  int frames_ = 0, acks_ = 0;
};
// Close codes (protocol-push.md §6.2): the client reloads its config after 4010.
constexpr uint16_t kWrongChannel = 4010;
// What one write takes from a connection's queue at most.
constexpr size_t kBatchFrames = 64;
constexpr size_t kBatchBytes = 256 * 1024;
constexpr uint8_t kCloseFrameHead = 0x88;  // FIN + close opcode: the first byte of a close frame

using Clock = std::chrono::steady_clock;
using Timer = asio::basic_waitable_timer<Clock, asio::wait_traits<Clock>, PushExecutor>;

// A move-only job: a write of Beast's waiting for the connection's own write to end.
class Task {
 public:
  Task() = default;
  template <class F>
  explicit Task(F f) : p_(std::make_unique<Impl<F>>(std::move(f))) {}
  explicit operator bool() const { return p_ != nullptr; }
  void run() {
    auto p = std::move(p_);
    p->run();
  }

 private:
  struct Base {
    virtual ~Base() = default;
    virtual void run() = 0;
  };
  template <class F>
  struct Impl : Base {
    explicit Impl(F fn) : f(std::move(fn)) {}
    void run() override { f(); }
    F f;
  };
  std::unique_ptr<Base> p_;
};

class PushHome;

// One subscribed connection. Everything but deliver() runs on its home thread (an io_context
// that one thread runs), so nothing here is locked.
class PushConnection : public PushSubscriber, public std::enable_shared_from_this<PushConnection> {
 public:
  PushConnection(PushExecutor home, size_t queue_limit, PushCounters& counters);
  ~PushConnection() override {
    counters_.queued.fetch_sub(static_cast<int64_t>(pending_.size() + inflight_.size()), std::memory_order_relaxed);
  }

  void deliver(PushFrame frame) override;  // any thread, the hub's lock held

  // Queues a frame; flush() writes. Live frames past the limit drop the connection (the client
  // reconnects with the mid of the last frame it read and catches up); catch-up, pings and
  // answers are never refused.
  void enqueue(PushFrame frame, bool live) {
    if (close_code_ || failed_ || reader_done_) return;
    if (live && pending_.size() + inflight_.size() >= queue_limit_) {
      counters_.drops.fetch_add(1, std::memory_order_relaxed);
      close(1013, "send queue overflow");
      // A client that does not read keeps a write of ours waiting: cut the socket, the close
      // handshake could not get through anyway.
      if (raw_busy_) abort_socket();
      return;
    }
    pending_.push_back({std::move(frame), live});
    counters_.queued.fetch_add(1, std::memory_order_relaxed);
  }
  void send_text(std::string text) {
    enqueue(make_push_frame(std::move(text)), false);
    flush();
  }

  // Writes what is queued unless a write (ours or Beast's) is under way; the end of that one
  // calls it again.
  void flush() {
    while (!raw_busy_ && !ctl_busy_ && writable()) {
      if (inflight_.empty() && !take_batch()) return;
      if (!write_batch()) return;  // under way (raw_busy_) or failed
      batch_written();
    }
  }

  // Drops what is queued and starts the closing handshake (once).
  void close(uint16_t code, std::string reason) {
    if (close_code_ || reader_done_) return;
    close_code_ = code;
    close_reason_ = std::move(reason);
    drop_pending();
    start_close();
  }

  // A write of Beast's (a pong, the close frame): it waits while a write of ours is under way,
  // and ours wait for it. A close frame ends the connection's own writing.
  template <class Next, class Buffers, class Handler>
  void control_write(Next& next, const Buffers& buffers, Handler handler) {
    auto start = [self = shared_from_this(), &next, buffers, h = std::move(handler)]() mutable {
      PushConnection& c = *self;
      c.ctl_busy_ = true;
      for (auto it = asio::buffer_sequence_begin(buffers); it != asio::buffer_sequence_end(buffers); ++it) {
        const asio::const_buffer b(*it);
        if (b.size() == 0) continue;
        if (*static_cast<const uint8_t*>(b.data()) == kCloseFrameHead) c.close_written_ = true;
        break;
      }
      next.async_write_some(buffers,
                            [self = std::move(self), h = std::move(h)](beast::error_code ec, size_t n) mutable {
                              self->ctl_busy_ = false;
                              h(ec, n);  // may write again at once (the rest of the frame)
                              if (!self->ctl_busy_) self->flush();
                            });
    };
    if (raw_busy_)
      waiting_ctl_ = Task(std::move(start));
    else
      start();
  }

  // The reader has ended: nothing is written any more. True while an operation on the socket
  // is still under way (the reader's frame, which holds the streams, must wait for it).
  bool finish() {
    reader_done_ = true;
    drop_pending();
    if (raw_busy_) abort_socket();
    return busy();
  }
  bool busy() const { return raw_busy_ || ctl_busy_ || closing_; }
  bool done() const { return reader_done_; }

  PushHome& home() { return *home_; }
  PushCounters& counters() { return counters_; }
  bool close_started() const { return close_code_ != 0; }

 protected:
  struct Queued {
    PushFrame frame;
    bool live = false;  // published while connected (timed for the fan-out latency)
  };

  // Writes inflight_ from offset_ on; true when all of it went out now. False: the rest goes out
  // asynchronously (raw_busy_ set; the end calls after_async) or the connection failed.
  virtual bool write_batch() = 0;
  virtual void start_close() = 0;  // Beast's closing handshake; clears closing_ at its end
  virtual void abort_socket() = 0;

  // The asynchronous part of a write of ours has ended.
  void after_async(beast::error_code ec) {
    raw_busy_ = false;
    if (ec)
      fail();
    else if (offset_ == batch_bytes_ || write_batch())
      batch_written();
    if (raw_busy_) return;                        // went asynchronous again
    if (waiting_ctl_) return waiting_ctl_.run();  // Beast's write first; its end flushes
    flush();
  }

  void fail() {
    failed_ = true;
    drop_pending();
    abort_socket();  // the reader ends too
  }

  std::vector<Queued> inflight_;  // the frames of the write under way
  size_t offset_ = 0;             // bytes of them written
  size_t batch_bytes_ = 0;        // bytes of them in all
  bool raw_busy_ = false;         // a write of ours waits on the socket
  bool closing_ = false;          // Beast's closing handshake is under way

 private:
  bool writable() const { return !failed_ && !close_code_ && !close_written_ && !reader_done_; }

  bool take_batch() {
    if (pending_.empty()) return false;
    size_t n = 0, bytes = 0;
    while (n < pending_.size() && n < kBatchFrames && (n == 0 || bytes < kBatchBytes)) {
      bytes += pending_[n].frame->ws_header_size + pending_[n].frame->text.size();
      ++n;
    }
    if (n == pending_.size()) {
      inflight_.swap(pending_);
      pending_.clear();
    } else {
      inflight_.assign(std::make_move_iterator(pending_.begin()), std::make_move_iterator(pending_.begin() + n));
      pending_.erase(pending_.begin(), pending_.begin() + static_cast<std::ptrdiff_t>(n));
    }
    offset_ = 0;
    batch_bytes_ = bytes;
    return true;
  }

  void batch_written() {
    const auto now = Clock::now();
    for (const Queued& q : inflight_)
      if (q.live && q.frame->published.time_since_epoch().count() != 0)
        counters_.fanout.observe(std::chrono::duration<double>(now - q.frame->published).count());
    counters_.frames_sent.fetch_add(inflight_.size(), std::memory_order_relaxed);
    counters_.queued.fetch_sub(static_cast<int64_t>(inflight_.size()), std::memory_order_relaxed);
    inflight_.clear();
    offset_ = batch_bytes_ = 0;
    // A burst's queues are not kept by an idle connection.
    if (pending_.capacity() > 4 * kBatchFrames && pending_.empty()) std::vector<Queued>().swap(pending_);
    if (inflight_.capacity() > 4 * kBatchFrames) std::vector<Queued>().swap(inflight_);
  }

  void drop_pending() {
    counters_.queued.fetch_sub(static_cast<int64_t>(pending_.size()), std::memory_order_relaxed);
    std::vector<Queued>().swap(pending_);
  }

  PushHome* home_;
  std::vector<Queued> pending_;
  size_t queue_limit_;
  PushCounters& counters_;
  Task waiting_ctl_;  // Beast's write, waiting for ours
  bool ctl_busy_ = false;
  bool close_written_ = false;
  bool failed_ = false;
  bool reader_done_ = false;

 protected:
  uint16_t close_code_ = 0;
  std::string close_reason_;
};

// Per io_context: the connections at home there. deliver() gathers frames from the hub on any
// thread and hands them over in one handler; the ping timer sends the text `ping` to each
// connection every ping_interval (§6.1) in the order they connected, so one timer serves all.
class PushHome : public asio::execution_context::service {
 public:
  using key_type = PushHome;
  static inline asio::execution_context::id id;

  explicit PushHome(asio::execution_context& ctx)
      : asio::execution_context::service(ctx),
        ex_(static_cast<asio::io_context&>(ctx).get_executor()),
        ping_timer_(ex_),
        ping_frame_(make_push_frame("ping")) {}

  void deliver(std::shared_ptr<PushConnection> c, PushFrame frame) {
    std::lock_guard lock(mu_);
    inbox_.push_back({std::move(c), std::move(frame)});
    if (posted_) return;
    posted_ = true;
    asio::post(ex_, [this] { drain(); });
  }

  // Home thread. `c` is pinged every `interval` until it is done.
  void attach(const std::shared_ptr<PushConnection>& c, std::chrono::seconds interval) {
    if (stopped_) return;
    interval_ = interval;
    pings_.push_back({c, Clock::now() + interval});
    if (!ping_armed_) arm_ping();
  }

  // Home thread: every connection closes with 1001 (the server stops), and the ping timer
  // stops holding the io_context up.
  void stop_all() {
    stopped_ = true;
    ping_timer_.cancel();
    for (auto& p : pings_)
      if (auto c = p.conn.lock()) c->close(websocket::close_code::going_away, "server stopping");
    pings_.clear();
  }

 private:
  struct Inbound {
    std::shared_ptr<PushConnection> conn;
    PushFrame frame;
  };
  struct Ping {
    std::weak_ptr<PushConnection> conn;
    Clock::time_point due;
  };

  void shutdown() override {
    std::lock_guard lock(mu_);
    inbox_.clear();
    pings_.clear();
  }

  // Queues every frame that came in, then writes once per connection.
  void drain() {
    {
      std::lock_guard lock(mu_);
      draining_.swap(inbox_);
      posted_ = false;
    }
    for (Inbound& in : draining_) {
      PushConnection* c = in.conn.get();
      c->enqueue(std::move(in.frame), true);
      if (touched_.empty() || touched_.back() != c) touched_.push_back(c);
    }
    for (PushConnection* c : touched_) c->flush();  // twice for one touched twice: the second finds nothing
    touched_.clear();
    draining_.clear();
  }

  void arm_ping() {
    while (!pings_.empty() && pings_.front().conn.expired()) pings_.pop_front();
    if (pings_.empty()) {
      ping_armed_ = false;
      return;
    }
    ping_armed_ = true;
    ping_timer_.expires_at(pings_.front().due);
    ping_timer_.async_wait([this](beast::error_code ec) {
      if (ec) {
        ping_armed_ = false;
        return;
      }
      const auto now = Clock::now();
      while (!pings_.empty() && pings_.front().due <= now) {
        auto c = pings_.front().conn.lock();
        pings_.pop_front();
        if (!c || c->done()) continue;
        c->enqueue(ping_frame_, false);
        c->flush();
        pings_.push_back({c, now + interval_});
      }
      arm_ping();
    });
  }

  PushExecutor ex_;
  std::mutex mu_;
  std::vector<Inbound> inbox_;  // under mu_
  bool posted_ = false;         // under mu_: a drain() is on its way
  // Home thread only.
  std::vector<Inbound> draining_;
  std::vector<PushConnection*> touched_;
  std::deque<Ping> pings_;  // by due time: every connection waits the same interval
  std::chrono::seconds interval_{10};
  Timer ping_timer_;
  bool ping_armed_ = false;
  bool stopped_ = false;
  const PushFrame ping_frame_;
};

PushConnection::PushConnection(PushExecutor home, size_t queue_limit, PushCounters& counters)
    : home_(&asio::use_service<PushHome>(home.context())), queue_limit_(queue_limit), counters_(counters) {}

void PushConnection::deliver(PushFrame frame) { home_->deliver(shared_from_this(), std::move(frame)); }

// The layer under Beast's websocket stream: reads pass through; writes take turns with the
// connection's own (PushConnection::control_write).
template <class Next>
class GatedStream {
 public:
  using executor_type = PushExecutor;
  using next_layer_type = Next;
  GatedStream(Next& next, PushConnection& conn) : next_(next), conn_(conn) {}

  executor_type get_executor() noexcept { return next_.get_executor(); }
  Next& next_layer() noexcept { return next_; }
  const Next& next_layer() const noexcept { return next_; }

  template <class Buffers, class Token>
  auto async_read_some(const Buffers& buffers, Token&& token) {
    return next_.async_read_some(buffers, std::forward<Token>(token));
  }
  template <class Buffers, class Token>
  auto async_write_some(const Buffers& buffers, Token&& token) {
    return asio::async_initiate<Token, void(beast::error_code, size_t)>(
        [this](auto handler, const Buffers& b) { conn_.control_write(next_, b, std::move(handler)); }, token, buffers);
  }

 private:
  Next& next_;
  PushConnection& conn_;
};

// Beast closes the layer below when the closing handshake ends.
template <class Next>
void teardown(beast::role_type role, GatedStream<Next>& s, beast::error_code& ec) {
  using beast::websocket::teardown;
  teardown(role, s.next_layer(), ec);
}
template <class Next, class Handler>
void async_teardown(beast::role_type role, GatedStream<Next>& s, Handler&& handler) {
  using beast::websocket::async_teardown;
  async_teardown(role, s.next_layer(), std::forward<Handler>(handler));
}

template <class Stream>
constexpr bool kPlain = std::is_same_v<Stream, PushSocket>;

// The connection on its stream: the writes themselves.
template <class Stream>
class PushConnectionOn final : public PushConnection {
 public:
  using Ws = websocket::stream<GatedStream<Stream>>;
  PushConnectionOn(Stream& stream, PushExecutor home, size_t queue_limit, PushCounters& counters)
      : PushConnection(home, queue_limit, counters), stream_(stream) {}
  Ws* ws = nullptr;  // set once the websocket stream exists

 private:
  bool write_batch() override {
    if constexpr (kPlain<Stream>) {
      // A gather of the shared headers and texts, without waiting: what the socket does not
      // take now goes out when it is writable again.
      for (;;) {
        std::array<iovec, 2 * kBatchFrames> iov;
        size_t n = 0, skip = offset_;
        for (const Queued& q : inflight_) {
          const PushFrameData& f = *q.frame;
          for (auto [data, size] : {std::pair<const void*, size_t>{f.ws_header.data(), f.ws_header_size},
                                    std::pair<const void*, size_t>{f.text.data(), f.text.size()}}) {
            if (skip >= size) {
              skip -= size;
              continue;
            }
            iov[n++] = {const_cast<char*>(static_cast<const char*>(data)) + skip, size - skip};
            skip = 0;
          }
        }
        msghdr msg{};
        msg.msg_iov = iov.data();
        msg.msg_iovlen = n;
        const ssize_t w = ::sendmsg(stream_.native_handle(), &msg, MSG_DONTWAIT | MSG_NOSIGNAL);
        if (w < 0) {
          if (errno == EINTR) continue;
          if (errno != EAGAIN && errno != EWOULDBLOCK) {
            fail();
            return false;
          }
        } else {
          offset_ += static_cast<size_t>(w);
          if (offset_ == batch_bytes_) return true;
        }
        raw_busy_ = true;
        stream_.async_wait(asio::socket_base::wait_write,
                           [self = shared_from_this(), this](beast::error_code ec) { after_async(ec); });
        return false;
      }
    } else {
      // TLS: one buffer, so that records are full.
      tls_out_.clear();
      tls_out_.reserve(batch_bytes_);
      for (const Queued& q : inflight_) {
        tls_out_.append(reinterpret_cast<const char*>(q.frame->ws_header.data()), q.frame->ws_header_size);
        tls_out_.append(q.frame->text);
      }
      raw_busy_ = true;
      asio::async_write(stream_, asio::buffer(tls_out_),
                        [self = shared_from_this(), this](beast::error_code ec, size_t) {
                          if (!ec) offset_ = batch_bytes_;
                          if (tls_out_.capacity() > kBatchBytes / 4) std::string().swap(tls_out_);
                          after_async(ec);
                        });
      return false;
    }
  }

  void start_close() override {
    if (!ws) return;
    closing_ = true;
    ws->async_close(websocket::close_reason(static_cast<websocket::close_code>(close_code_), close_reason_),
                    [self = shared_from_this(), this](beast::error_code) { closing_ = false; });
  }

  void abort_socket() override {
    beast::error_code ec;
    beast::get_lowest_layer(stream_).shutdown(asio::socket_base::shutdown_both, ec);
  }

  Stream& stream_;
  std::string tls_out_;
};

template <class Stream>
awaitable<> serve(Stream& stream, PushRequest request, Services& services, const std::atomic<bool>& stopping) {
  const Config& config = services.config;
  if (co_await refused_cross_origin(stream, request, config)) co_return;  // session cookie, foreign page
  PushHub& hub = *services.push;
  PushCounters& counters = hub.counters();
  const PushExecutor ex = stream.get_executor();
  auto conn =
      std::make_shared<PushConnectionOn<Stream>>(stream, ex, static_cast<size_t>(config.push_send_queue), counters);
  typename PushConnectionOn<Stream>::Ws ws(stream, *conn);
  conn->ws = &ws;
  websocket::stream_base::timeout timeouts{};
  timeouts.handshake_timeout = std::chrono::seconds(10);
  timeouts.idle_timeout = std::chrono::seconds(config.push_ping_interval * 3);  // the client pongs every ping
  timeouts.keep_alive_pings = false;
  ws.set_option(timeouts);
  ws.read_message_max(static_cast<size_t>(config.push_max_frame_bytes));
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
  counters.websockets.fetch_add(1, std::memory_order_relaxed);
  for (auto& frame : hub.subscribe(token->channels, conn, mid, token->user_id)) conn->enqueue(std::move(frame), false);
  conn->flush();
  hub.seen(token->user_id, true);
  conn->home().attach(conn, std::chrono::seconds(config.push_ping_interval));
  if (stopping) conn->close(websocket::close_code::going_away, "server stopping");

  auto rpc = std::make_unique<PushRpc>(services, *token, conn);
  beast::flat_buffer buffer;
  ClientRate rate{config.push_max_client_messages};
  for (;;) {
    buffer.clear();
    co_await ws.async_read(buffer, asio::redirect_error(use_aw, ec));
    if (ec) break;
    const std::string text = beast::buffers_to_string(buffer.data());
    const bool ack = is_ack(text);
    if (rate.over(ack)) {
      if (!conn->close_started()) counters.rate_closes.fetch_add(1, std::memory_order_relaxed);
      conn->close(websocket::close_code::policy_error, "too many messages");
      continue;  // this read ends with the close handshake
    }
    if (ack || text == "pong") continue;  // acks and liveness (§4.4)
    std::string reply = rpc->answer(text);
    if (!reply.empty()) conn->send_text(std::move(reply));
  }
  rpc.reset();  // drops its status subscriptions
  hub.unsubscribe(token->channels, conn.get());
  hub.seen(token->user_id, false);
  counters.websockets.fetch_sub(1, std::memory_order_relaxed);
  // A write or the closing handshake may still hold the streams, which live in this frame.
  if (conn->finish()) {
    Timer wait(ex);
    while (conn->busy()) {
      wait.expires_after(std::chrono::milliseconds(20));
      co_await wait.async_wait(asio::redirect_error(use_aw, ec));
    }
  }
  conn->ws = nullptr;
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

void stop_push_sockets(asio::io_context& context) {
  if (!asio::has_service<PushHome>(context)) return;
  asio::post(context, [&context] { asio::use_service<PushHome>(context).stop_all(); });
}

}  // namespace imhub
