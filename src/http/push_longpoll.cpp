#include "http/push_longpoll.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/this_coro.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <chrono>
#include <deque>
#include <mutex>
#include <unordered_map>

#include "api/services.hpp"
#include "core/clock.hpp"
#include "http/origin_check.hpp"
#include "http/push_session.hpp"
#include "push/channel.hpp"
#include "push/hub.hpp"
#include "rest/decode.hpp"

namespace imhub {

namespace asio = boost::asio;
using Executor = asio::io_context::executor_type;
template <class T = void>
using awaitable = asio::awaitable<T, Executor>;

namespace {

constexpr asio::use_awaitable_t<Executor> use_aw;
using Clock = std::chrono::steady_clock;
constexpr auto kTick = std::chrono::seconds(1);  // how often a waiting poll looks at stop()
// A client that has not polled for its timeout plus this long has gone: it is unsubscribed.
constexpr int64_t kIdleGraceSeconds = 30;
constexpr int64_t kSweepEverySeconds = 5;
// The marker the SDK looks for in a 304 before it reads Last-Message-Id (§4.3).
constexpr std::string_view kNoNewsExpires = "Thu, 01 Jan 1973 11:11:01 GMT";
constexpr int kRateWindowSeconds = 10;

int64_t steady_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(Clock::now().time_since_epoch()).count();
}

// The poll waiting for a client's frames now; its timer is cancelled to wake it.
struct Waiter {
  explicit Waiter(Executor ex) : timer(ex) {}
  asio::steady_timer timer;
};

}  // namespace

// One long-polling client (one token) between and during its polls. deliver() is called with
// the hub's lock held: it only queues under the client's own lock and wakes the waiting poll.
class PollClient : public PushSubscriber, public std::enable_shared_from_this<PollClient> {
 public:
  PollClient(PushToken token, size_t limit, PushCounters& counters)
      : token_(std::move(token)), limit_(limit), counters_(counters) {}
  ~PollClient() override { counters_.queued.fetch_sub(static_cast<int64_t>(queue_.size())); }

  void deliver(PushFrame frame) override { push(std::move(frame), true); }

  // Live frames past the limit drop the client (its next poll starts over and catches up by
  // mid); answers to its own calls are always queued.
  void push(PushFrame frame, bool live) {
    std::shared_ptr<Waiter> wake;
    {
      std::lock_guard lock(mu_);
      if (dropped_) return;
      if (live && queue_.size() >= limit_) {
        dropped_ = true;
        counters_.drops.fetch_add(1, std::memory_order_relaxed);
        counters_.queued.fetch_sub(static_cast<int64_t>(queue_.size()));
        queue_.clear();
      } else {
        queue_.push_back({std::move(frame), live});
        counters_.queued.fetch_add(1, std::memory_order_relaxed);
      }
      wake = waiter_.lock();
    }
    if (wake) asio::post(wake->timer.get_executor(), [wake] { wake->timer.cancel(); });
  }

  struct Queued {
    PushFrame frame;
    bool live = false;
  };
  // Takes what is queued; when nothing is, registers `w` to be woken (under one lock, so nothing
  // slips between the look and the registration).
  std::deque<Queued> take_or_wait(const std::shared_ptr<Waiter>& w) {
    std::lock_guard lock(mu_);
    std::deque<Queued> out;
    out.swap(queue_);
    counters_.queued.fetch_sub(static_cast<int64_t>(out.size()));
    for (const auto& q : out)
      if (!q.frame->mid.empty()) last_mid_ = q.frame->mid;
    waiter_ = out.empty() && !dropped_ ? w : std::weak_ptr<Waiter>();
    return out;
  }
  // Forgets `w` unless a newer poll has registered its own waiter since.
  void stop_waiting(const std::shared_ptr<Waiter>& w) {
    std::lock_guard lock(mu_);
    if (waiter_.lock() == w) waiter_.reset();
  }
  bool dropped() const {
    std::lock_guard lock(mu_);
    return dropped_;
  }
  std::string last_mid() const {
    std::lock_guard lock(mu_);
    return last_mid_;
  }
  void set_last_mid(std::string mid) {
    std::lock_guard lock(mu_);
    last_mid_ = std::move(mid);
  }

  const PushToken token_;
  std::unique_ptr<PushRpc> rpc_;        // set once subscribed
  std::atomic<int64_t> last_poll{0};    // steady seconds of the last poll's end (or start)
  std::atomic<uint64_t> generation{0};  // a newer poll of the same client ends the older one
  int64_t window_start = 0;             // client calls per 10 s (publication URL); under PushPolls' lock
  int in_window = 0;

 private:
  mutable std::mutex mu_;
  std::deque<Queued> queue_;
  std::weak_ptr<Waiter> waiter_;
  bool dropped_ = false;
  std::string last_mid_;  // of the last message handed out (or the newest when it subscribed)
  size_t limit_;
  PushCounters& counters_;
};

struct PushPolls::Impl {
  std::mutex mu;
  std::unordered_map<std::string, std::shared_ptr<PollClient>> clients;  // token text → client
  int64_t last_sweep = 0;

  // The client of `token_text`, subscribed now (catching up after `mid`) if it is new; the
  // catch-up frames are queued first.
  std::shared_ptr<PollClient> open(Services& services, const std::string& token_text, const PushToken& token,
                                   std::string_view mid) {
    PushHub& hub = *services.push;
    sweep(hub, services.config.push_long_polling_timeout);
    std::lock_guard lock(mu);
    auto& slot = clients[token_text];
    if (slot && !slot->dropped()) return slot;
    if (slot) close(hub, *slot);
    auto client =
        std::make_shared<PollClient>(token, static_cast<size_t>(services.config.push_send_queue), hub.counters());
    client->set_last_mid(hub.last_mid());
    for (auto& frame : hub.subscribe(token.channels, client, mid, token.user_id)) client->push(std::move(frame), false);
    client->rpc_ = std::make_unique<PushRpc>(services, token, client);
    client->last_poll = steady_seconds();
    hub.counters().poll_clients.fetch_add(1, std::memory_order_relaxed);
    slot = client;
    return client;
  }

  std::shared_ptr<PollClient> find(const std::string& token_text) {
    std::lock_guard lock(mu);
    auto it = clients.find(token_text);
    return it == clients.end() || it->second->dropped() ? nullptr : it->second;
  }

  static void close(PushHub& hub, PollClient& c) {
    c.rpc_.reset();
    hub.unsubscribe(c.token_.channels, &c);
    hub.counters().poll_clients.fetch_sub(1, std::memory_order_relaxed);
  }

  // Unsubscribes the clients that stopped polling or were dropped.
  void sweep(PushHub& hub, int timeout) {
    const int64_t now = steady_seconds();
    std::lock_guard lock(mu);
    if (now - last_sweep < kSweepEverySeconds) return;
    last_sweep = now;
    for (auto it = clients.begin(); it != clients.end();) {
      PollClient& c = *it->second;
      if (c.dropped() || now - c.last_poll.load() > timeout + kIdleGraceSeconds) {
        close(hub, c);
        it = clients.erase(it);
      } else {
        ++it;
      }
    }
  }

  void close_all(PushHub* hub) {
    std::lock_guard lock(mu);
    if (hub)
      for (auto& [token, c] : clients) close(*hub, *c);
    clients.clear();
  }
};

PushPolls::PushPolls() : impl_(std::make_unique<Impl>()) {}
PushPolls::~PushPolls() {
  // The clients' subscriptions are weak in the hub; their status watches go with their PushRpc.
  for (auto& [token, c] : impl_->clients) c->rpc_.reset();
}

namespace {

HttpReply plain(int status, std::string body) {
  HttpReply r;
  r.status = status;
  r.content_type = "text/plain; charset=utf-8";
  r.body = std::move(body);
  r.label = "push";
  // Pages on another origin poll too (§4.3; every response allows any origin): let them read
  // Last-Message-Id.
  r.headers.emplace_back("Access-Control-Expose-Headers", "Last-Message-Id");
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

// The frames as one JSON-RPC batch: `incoming.message` requests and answers, in order.
HttpReply frames_reply(const std::deque<PollClient::Queued>& frames, PushCounters& counters) {
  std::string body = "[";
  const auto now = Clock::now();
  for (const auto& q : frames) {
    if (body.size() > 1) body += ',';
    body += q.frame->text;
    counters.frames_sent.fetch_add(1, std::memory_order_relaxed);
    if (q.live && q.frame->published.time_since_epoch().count() != 0)
      counters.fanout.observe(std::chrono::duration<double>(now - q.frame->published).count());
  }
  body += ']';
  HttpReply r = plain(200, std::move(body));
  r.content_type = "application/json; charset=utf-8";
  return r;
}

awaitable<HttpReply> long_poll(PushPolls::Impl& polls, const HttpRequestView& request, Services& services,
                               const std::atomic<bool>& stopping) {
  // A poll the browser sends with imhub's session cookie from a page elsewhere is refused, as the
  // WebSocket upgrade is (http/origin_check.hpp).
  if (cross_origin_session(services.config, request.cookie, request.origin))
    co_return plain(403, "Cross-origin request refused");
  const std::string token_text = push_query_param(request.query, "token");
  const auto token = push_token(services, token_text);
  if (!token) co_return plain(400, "Wrong channel id");
  if (push_query_param(request.query, "jsonRpc") != "true")
    co_return plain(400, "Only the JSON-RPC mode (server version 5) is served");
  PushHub& hub = *services.push;
  PushCounters& counters = hub.counters();
  const int timeout = services.config.push_long_polling_timeout;
  auto client = polls.open(services, token_text, *token, push_query_param(request.query, "mid"));
  const uint64_t generation = ++client->generation;
  auto waiter = std::make_shared<Waiter>(co_await asio::this_coro::executor);
  counters.long_polls.fetch_add(1, std::memory_order_relaxed);
  hub.present_until(token->user_id, now_unix_seconds() + timeout + 5);
  const auto deadline = Clock::now() + std::chrono::seconds(timeout);
  std::deque<PollClient::Queued> frames;
  for (;;) {
    if (client->generation != generation) break;  // a newer poll of the client took over
    frames = client->take_or_wait(waiter);
    if (!frames.empty() || client->dropped() || stopping || Clock::now() >= deadline) break;
    waiter->timer.expires_after(std::min<Clock::duration>(kTick, deadline - Clock::now()));
    boost::system::error_code ec;
    co_await waiter->timer.async_wait(asio::redirect_error(use_aw, ec));
  }
  client->stop_waiting(waiter);
  counters.long_polls.fetch_sub(1, std::memory_order_relaxed);
  client->last_poll = steady_seconds();
  hub.present_until(token->user_id, now_unix_seconds() + 5);  // it polls again at once
  if (!frames.empty()) co_return frames_reply(frames, counters);
  HttpReply r = plain(304, "");
  r.headers.emplace_back("Expires", std::string(kNoNewsExpires));
  // A dropped client starts over from the mid it has; otherwise nothing for it came before this
  // mid, so the next poll (or a new client after a restart of the poll) may start there.
  if (!client->dropped()) r.headers.emplace_back("Last-Message-Id", client->last_mid());
  co_return r;
}

// The publication URL of a long-polling client: `mack:<mid>` or a JSON-RPC call.
HttpReply publication(PushPolls::Impl& polls, const HttpRequestView& request, Services& services,
                      std::string_view token_text) {
  const std::string token_str(token_text);
  const auto token = push_token(services, token_str);
  if (!token) return plain(400, "Wrong channel id");
  if (request.verb != "POST") return plain(405, "POST only");
  if (static_cast<int64_t>(request.body.size()) > services.config.push_max_frame_bytes)
    return plain(413, "Frame too large");
  // Acknowledgements change nothing: messages stay until their expiry and are replayed by mid.
  if (request.body.starts_with("mack:")) return plain(200, "");
  auto client = polls.find(token_str);
  if (!client) {
    // No poll is open for this token: answer here (the SDK reads answers from its polls only).
    PushRpc rpc(services, *token, {});
    return plain(200, rpc.answer(request.body));
  }
  // Under the registry's lock: the sweep may close this client meanwhile, and one client's calls
  // are answered one at a time (lock order: registry, then hub, then client).
  std::string answer;
  {
    std::lock_guard lock(polls.mu);
    const int64_t now = now_unix_seconds();
    if (now - client->window_start >= kRateWindowSeconds) {
      client->window_start = now;
      client->in_window = 0;
    }
    if (++client->in_window > services.config.push_max_client_messages) {
      services.push->counters().rate_closes.fetch_add(1, std::memory_order_relaxed);
      return plain(429, "Too many messages");
    }
    if (client->rpc_) answer = client->rpc_->answer(request.body);
  }
  if (!answer.empty()) client->push(make_push_frame(answer), false);
  return plain(200, "");
}

}  // namespace

bool is_push_http(const Services& services, std::string_view path) {
  static const std::string kSub = normalize_path(kPushLongPollingPath);
  static const std::string kPub = normalize_path(kPushPublishPath) + "/";
  return services.push && (path == kSub || path.starts_with(kPub));
}

awaitable<HttpReply> serve_push_http(PushPolls& polls, const HttpRequestView& request, Services& services,
                                     const std::atomic<bool>& stopping) {
  static const std::string kPub = normalize_path(kPushPublishPath) + "/";
  if (std::string_view(request.path).starts_with(kPub))
    co_return publication(*polls.impl_, request, services, std::string_view(request.path).substr(kPub.size()));
  if (request.verb != "GET") co_return plain(405, "GET only");
  co_return co_await long_poll(*polls.impl_, request, services, stopping);
}

}  // namespace imhub
