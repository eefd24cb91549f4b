#include "http/server.hpp"

#include <spdlog/spdlog.h>

#include <unistd.h>
#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <mutex>
#include <set>
#include <thread>

#include "core/clock.hpp"
#include "core/error_catalog.hpp"
#include "core/fiber.hpp"
#include "http/body_budget.hpp"
#include "http/file_routes.hpp"
#include "http/push_longpoll.hpp"
#include "http/request_arena.hpp"
#include "http/response_head.hpp"
#include "http/spooled_body.hpp"
#include "http/websocket.hpp"
#include "ops/metrics.hpp"
#include "rest/error_reply.hpp"
#include "rest/session_cookie.hpp"

namespace imhub {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

// Everything is typed on io_context's own executor: the type-erased any_io_executor costs a
// copy and a virtual call at every step of every request.
using executor_t = asio::io_context::executor_type;
using socket_t = asio::basic_stream_socket<tcp, executor_t>;
template <class T = void>
using awaitable = asio::awaitable<T, executor_t>;
constexpr asio::use_awaitable_t<executor_t> use_aw;

// An error page for a handler that threw past the dispatcher (it catches what methods throw).
HttpReply internal_error_reply() { return error_reply(errors::kInternal, ""); }

// Runs `fn` as a fiber on this io thread (core/fiber.hpp) and resumes the coroutine with its
// reply. While `fn` waits for the durable commit the thread serves other connections; many
// waiting writers share one commit. A fiber that ends without waiting (a refused call) answers
// at once, with no asynchronous operation at all; one that waited resumes the coroutine from the
// step that finished it, on the thread's own stack (FiberOptions::on_end), rather than through
// one more post. The work guard keeps the io_context running until the fiber has answered, even
// when its only pending work is a unit in the writer's queue; resumptions of fibers of one io
// thread are handed over together (FiberOptions::home, ResumeBatch).
template <class Fn>
awaitable<HttpReply> in_fiber(Fn& fn) {
  struct Call {
    HttpReply reply;
    bool ended = false;
    std::function<void()> resume;  // set once the coroutine waits for the end
  };
  auto call = std::make_shared<Call>();
  const executor_t ex = co_await asio::this_coro::executor;
  FiberOptions options;
  options.home = &ex.context();
  options.on_end = [call] {
    call->ended = true;
    if (auto resume = std::move(call->resume)) resume();
  };
  spawn_fiber(
      [&fn, call] {
        try {
          call->reply = fn();
        } catch (const std::exception&) {
          call->reply = internal_error_reply();
        }
      },
      [ex](std::function<void()> resume) { asio::post(ex, std::move(resume)); }, std::move(options));
  if (!call->ended) {
    // Nothing resumes the fiber before this coroutine has suspended: resumptions are posted to this
    // thread, which is busy here until then.
    co_await asio::async_initiate<decltype(use_aw), void()>(
        [&call, &ex](auto handler) {
          auto shared = std::make_shared<decltype(handler)>(std::move(handler));
          call->resume = [shared, guard = asio::make_work_guard(ex)]() mutable {
            std::move (*shared)();
            guard.reset();
          };
        },
        use_aw);
  }
  co_return std::move(call->reply);
}

namespace {
constexpr size_t kHeaderLimit = 96 * 1024;  // request lines up to 64 KB fit with room for headers

int64_t steady_ms() {
  using namespace std::chrono;
  return duration_cast<milliseconds>(steady_clock::now().time_since_epoch()).count();
}

// One open connection, so stop() can close the idle ones and the watchdog the late ones.
struct Connection {
  socket_t* socket = nullptr;  // null once the session has ended
  std::string remote;          // the peer's address, for the log
  bool metrics_only = false;   // accepted on metrics.listen
  bool https = false;          // accepted on the TLS listener
  // The connection's home: an io_context run by exactly one thread, so everything on the
  // socket is serialised without a strand.
  executor_t home;
  std::atomic<bool> busy{false};
  std::atomic<bool> evicted{false};       // chosen to make room for a new connection
  std::atomic<int64_t> idle_since_ms{0};  // when it began waiting for its next request
  // Timeouts: the session sets a deadline before each wait on the client and clears it while
  // it works on a request; the watchdog shuts down sockets past their deadline. This replaces
  // a timer per read and write (Beast's basic_stream), which cost a timer queue update and
  // often a syscall per operation.
  std::atomic<int64_t> deadline_ms{0};
  explicit Connection(executor_t h) : home(std::move(h)), idle_since_ms(steady_ms()) {}
  void arm(int seconds) { deadline_ms = steady_ms() + int64_t{seconds} * 1000; }
  void disarm() { deadline_ms = 0; }
};

constexpr auto kWatchdogTick = std::chrono::milliseconds(250);
constexpr size_t kFileChunk = 256 * 1024;
constexpr size_t kFirstRead = 16 * 1024;
constexpr auto kAcceptBackoff = std::chrono::milliseconds(50);  // the first read of a request
constexpr size_t kCoalesce = 16 * 1024;                         // head and body in one write up to this size
constexpr uint64_t kSpoolThreshold = 1024 * 1024;               // larger bodies go to a temporary file
// A refused body is read and dropped for this long, or up to this many bytes, before the close:
// closing with unread data makes the kernel reset the connection, and a client still sending
// then loses the answer it has not read yet (lingering close, as nginx does it).
constexpr int kDrainSeconds = 3;
constexpr size_t kDrainBytes = size_t{256} << 20;

HttpReply too_large() { return error_reply(errors::kBodyTooLarge); }

bool is_disconnect(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
         ec == asio::error::connection_reset || ec == asio::error::eof || ec == asio::error::broken_pipe ||
         ec == asio::ssl::error::stream_truncated;
}

// Feeds the parser what the read buffer holds, as Beast's read operations do between reads. True
// when the header (or, with header_only false, the whole message) is complete or the parser failed
// (`ec`); false when it needs bytes the buffer does not hold yet. Beast's async_read_header and
// async_read post their completion even when the buffer held everything, a round through the
// scheduler (and often an epoll_wait) per request; they are left for when the socket must be read,
// and carry on from wherever this stopped.
template <class Parser>
bool parse_buffered(beast::flat_buffer& buffer, Parser& parser, beast::error_code& ec, bool header_only) {
  auto complete = [&] { return header_only ? parser.is_header_done() : parser.is_done(); };
  while (!complete()) {
    if (buffer.size() == 0) return false;
    const size_t used = parser.put(buffer.data(), ec);
    buffer.consume(used);
    if (ec == http::error::need_more) {
      ec = {};
      return false;
    }
    if (ec) return true;
    if (used == 0) return false;  // nothing taken: let Beast's loop decide
  }
  return true;
}

template <class Message, class Name>
std::string_view field(const Message& m, Name f) {
  auto v = m[f];
  return std::string_view(v.data(), v.size());
}

// One request while it is read and handled. The view's strings point into the parser's message,
// which stays put for the request's lifetime.
struct Incoming {
  // Its header fields live in the connection's RequestArena, rewound before the next request.
  explicit Incoming(RequestArena& arena)
      : parser(std::piecewise_construct, std::make_tuple(), std::make_tuple(ArenaAllocator<char>(arena))) {}
  http::request_parser<SpooledBody, ArenaAllocator<char>> parser;
  HttpRequestView view;
  std::string verb;
  BodyReservation reservation;  // its share of server.body_memory_limit
  double t0 = 0;
};

// What reading a request came to: handle it, answer a refusal and close, or just close.
struct ReadOutcome {
  enum Kind { kServe, kRefused, kClosed } kind = kServe;
  std::optional<HttpReply> refusal;
  bool body_unread = false;  // refused before its body was read
  static ReadOutcome ok() { return {}; }
  static ReadOutcome closed() { return {kClosed, std::nullopt, false}; }
  static ReadOutcome refuse(HttpReply r, bool body_unread = false) { return {kRefused, std::move(r), body_unread}; }
};

// Which listener accepted a connection.
enum class Listener { kHttp, kHttps, kMetrics };

struct Dispatched {
  HttpReply reply;
  std::shared_ptr<FileBody> file;  // a download's body, streamed
};
}  // namespace

struct HttpServer::Impl {
  const Config& config;
  Router& router;
  Metrics& metrics;
  // One io_context per io thread (each run by that thread alone): no cross-thread handoff on
  // the hot path, no strand locking. The acceptor lives on the first; connections are dealt
  // round-robin.
  std::vector<std::unique_ptr<asio::io_context>> contexts;
  size_t next_context = 0;
  asio::io_context& ioc;
  asio::thread_pool pool;
  // Keeps every context running while it has no connection; let go once draining is done.
  std::vector<asio::executor_work_guard<asio::io_context::executor_type>> guards;
  std::atomic<bool> released{false};
  std::optional<asio::ssl::context> tls;
  tcp::acceptor acceptor{ioc};
  tcp::acceptor tls_acceptor{ioc};  // tls.listen, when set
  bool serving_tls_listen = false;
  tcp::acceptor metrics_acceptor{ioc};  // metrics.listen, when set
  std::atomic<bool> stopping{false};
  std::atomic<int> connections{0};
  int64_t last_accept_warning_ms = -100000;  // accept loop only
  std::mutex conn_mu;
  std::set<std::shared_ptr<Connection>> open;
  // Upload requests (file_routes.hpp) may be larger than body_limit; the header phase admits
  // the larger size and serve() narrows it once the target is known.
  const int64_t upload_limit;
  BodyBudget body_budget;
  const std::string spool_dir;  // where bodies over kSpoolThreshold are kept while handled
  PushPolls push_polls;         // long-polling clients of the push server

  Impl(const Config& c, Router& r, Metrics& m, std::string spool)
      : config(c),
        router(r),
        metrics(m),
        contexts(make_contexts(c)),
        ioc(*contexts.front()),
        pool(static_cast<size_t>(c.workers)),
        upload_limit(upload_body_limit(c.max_upload_bytes)),
        body_budget(c.body_memory_limit),
        spool_dir(std::move(spool)) {}

  static std::vector<std::unique_ptr<asio::io_context>> make_contexts(const Config& c) {
    int n = c.threads > 0 ? c.threads : static_cast<int>(std::thread::hardware_concurrency());
    std::vector<std::unique_ptr<asio::io_context>> out;
    for (int i = 0; i < std::max(n, 1); ++i) out.push_back(std::make_unique<asio::io_context>(1));
    return out;
  }

  asio::io_context& pick_context() {
    asio::io_context& ctx = *contexts[next_context];  // accept_loop runs on one thread only
    next_context = (next_context + 1) % contexts.size();
    return ctx;
  }

  void start() {
    // Only the automatic HTTPS listener (tls.listen = "auto") may go without: a certificate that
    // does not load is then worth a warning, not a refusal to serve.
    const bool tls_optional = !config.tls_enabled && config.tls_listen_optional;
    bool https_listener = !config.tls_listen.empty();
    if (config.tls_enabled || https_listener) {
      try {
        tls.emplace(asio::ssl::context::tls_server);
        tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                         asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
        tls->use_certificate_chain_file(config.tls_cert);
        tls->use_private_key_file(config.tls_key, asio::ssl::context::pem);
      } catch (const std::exception& e) {
        if (!tls_optional) throw;
        spdlog::warn("https not served: the certificate {} or its key {} does not load: {}", config.tls_cert,
                     config.tls_key, e.what());
        tls.reset();
        https_listener = false;
      }
    }
    // tls.enabled without tls.listen: the listen address speaks HTTPS; with tls.listen, HTTP there
    // and HTTPS on tls.listen.
    bind_listener(acceptor, config.listen);
    const Listener main = config.tls_enabled && config.tls_listen.empty() ? Listener::kHttps : Listener::kHttp;
    asio::co_spawn(ioc.get_executor(), accept_loop(acceptor, main), asio::detached);
    if (https_listener) bind_tls_listener();
    if (!config.metrics_listen.empty()) {
      bind_listener(metrics_acceptor, config.metrics_listen);
      asio::co_spawn(ioc.get_executor(), accept_loop(metrics_acceptor, Listener::kMetrics), asio::detached);
    }
    asio::co_spawn(ioc.get_executor(), watchdog(), asio::detached);
  }

  // The automatic HTTPS listener (tls.listen = "auto") is a convenience: its port being taken
  // is worth a warning, not a refusal to serve.
  void bind_tls_listener() {
    try {
      bind_listener(tls_acceptor, config.tls_listen);
    } catch (const std::exception& e) {
      if (!config.tls_listen_optional) throw;
      spdlog::warn("https not served: {} (set [tls] listen to another address, or \"off\")", e.what());
      return;
    }
    serving_tls_listen = true;
    asio::co_spawn(ioc.get_executor(), accept_loop(tls_acceptor, Listener::kHttps), asio::detached);
  }

  // Shuts down connections past their deadline; runs until the drain has finished.
  awaitable<> watchdog() {
    asio::steady_timer timer(ioc);
    while (!(stopping && connections.load() == 0)) {
      timer.expires_after(kWatchdogTick);
      beast::error_code ec;
      co_await timer.async_wait(asio::redirect_error(use_aw, ec));
      const int64_t now = steady_ms();
      std::lock_guard lock(conn_mu);
      for (const auto& c : open) {
        const int64_t d = c->deadline_ms.load();
        if (d == 0 || d > now) continue;
        asio::post(c->home, [c, now] {
          const int64_t d2 = c->deadline_ms.load();
          if (!c->socket || d2 == 0 || d2 > now) return;  // re-armed or finished meanwhile
          beast::error_code e;
          c->socket->shutdown(tcp::socket::shutdown_both, e);
          c->socket->cancel(e);
        });
      }
    }
  }

  // HOST:PORT, [V6]:PORT or :PORT (all interfaces). Errors name the address.
  void bind_listener(tcp::acceptor& a, const std::string& listen) {
    const auto colon = listen.rfind(':');
    std::string host = listen.substr(0, colon);
    if (host.size() >= 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    if (host.empty()) host = "0.0.0.0";
    const std::string port = listen.substr(colon + 1);
    try {
      tcp::resolver resolver(ioc);
      tcp::endpoint ep = resolver.resolve(host, port, tcp::resolver::numeric_service).begin()->endpoint();
      a.open(ep.protocol());
      a.set_option(asio::socket_base::reuse_address(true));
      if (ep.address().is_v6()) a.set_option(asio::ip::v6_only(false));  // [::] takes IPv4 too
      a.bind(ep);
      a.listen(asio::socket_base::max_listen_connections);
    } catch (const std::exception& e) {
      throw std::runtime_error("cannot listen on " + listen + ": " + e.what());
    }
  }

  awaitable<> accept_loop(tcp::acceptor& from, Listener listener) {
    asio::steady_timer backoff(ioc);
    while (!stopping) {
      beast::error_code ec;
      socket_t socket = co_await from.async_accept(pick_context(), asio::redirect_error(use_aw, ec));
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) break;
        if (out_of_descriptors(ec)) co_await back_off(backoff, ec);
        continue;
      }
      // Full: the connection that has waited longest for a request makes room, so a new client
      // (a load balancer's health check) gets in while idle connections hold every slot.
      if (connections.load() >= config.max_connections && !evict_idle()) {
        socket.close(ec);
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto exec = socket.get_executor();
      asio::co_spawn(exec, session(std::move(socket), listener), asio::detached);
    }
  }

  static bool out_of_descriptors(const beast::error_code& ec) {
    const int e = ec.value();
    return ec.category() == asio::error::get_system_category() &&
           (e == EMFILE || e == ENFILE || e == ENOBUFS || e == ENOMEM);
  }

  // accept() failed for want of descriptors: the pending connection stays queued and the
  // listener stays readable, so retrying at once would spin. Free one and wait a little.
  awaitable<> back_off(asio::steady_timer& timer, const beast::error_code& ec) {
    const int64_t now = steady_ms();
    if (now - last_accept_warning_ms >= 10000) {
      last_accept_warning_ms = now;
      spdlog::warn("accept on {}: {}; {} connections open (max_connections {}); backing off", config.listen,
                   ec.message(), connections.load(), config.max_connections);
    }
    evict_idle();
    timer.expires_after(kAcceptBackoff);
    beast::error_code wait_ec;
    co_await timer.async_wait(asio::redirect_error(use_aw, wait_ec));
  }

  // Closes the connection idle longest (no request in progress); false when there is none.
  bool evict_idle() {
    std::shared_ptr<Connection> victim;
    {
      std::lock_guard lock(conn_mu);
      int64_t oldest = INT64_MAX;
      for (const auto& c : open) {
        if (c->busy || c->evicted) continue;
        const int64_t since = c->idle_since_ms.load();
        if (since < oldest) {
          oldest = since;
          victim = c;
        }
      }
      if (!victim) return false;
      victim->evicted = true;
    }
    asio::post(victim->home, [victim] {
      beast::error_code e;
      if (victim->busy || !victim->socket) {
        victim->evicted = false;  // it took a request meanwhile
        return;
      }
      victim->socket->shutdown(tcp::socket::shutdown_both, e);
      victim->socket->cancel(e);
    });
    return true;
  }

  awaitable<> session(socket_t socket, Listener listener) {
    ++connections;
    metrics.connection_opened();
    beast::error_code ec;
    auto conn = std::make_shared<Connection>(socket.get_executor());
    conn->metrics_only = listener == Listener::kMetrics;
    conn->https = listener == Listener::kHttps;
    auto ep = socket.remote_endpoint(ec);
    if (!ec) conn->remote = ep.address().to_string();
    socket_t& stream = socket;
    conn->socket = &stream;
    {
      std::lock_guard lock(conn_mu);
      open.insert(conn);
    }
    try {
      if (listener == Listener::kHttps) {
        beast::ssl_stream<socket_t&> ssl(stream, *tls);
        conn->arm(config.header_timeout);
        co_await ssl.async_handshake(asio::ssl::stream_base::server, use_aw);
        co_await serve(ssl, *conn);
        conn->arm(2);
        co_await ssl.async_shutdown(asio::redirect_error(use_aw, ec));
      } else {
        stream.non_blocking(true, ec);  // write_response's send_now must never block the io thread
        co_await serve(stream, *conn);
        stream.shutdown(tcp::socket::shutdown_send, ec);
      }
    } catch (const std::exception& e) {
      spdlog::debug("connection from {} closed: {}", conn->remote, e.what());
    }
    conn->socket = nullptr;  // the socket dies with this frame
    {
      std::lock_guard lock(conn_mu);
      open.erase(conn);
    }
    metrics.connection_closed();
    if (--connections == 0) release_when_drained();
  }

  void release_when_drained() {
    if (!stopping || connections.load() != 0 || released.exchange(true)) return;
    for (auto& g : guards) g.reset();  // on_work_finished is thread-safe per context
  }

  // --- Reading -------------------------------------------------------------------------------

  // Between requests. A kept-alive connection may sit idle for idle_timeout; once a request starts,
  // its header has header_timeout like the first one (issue 17: the second header of a connection
  // could be dripped for the whole idle time).
  void between_requests(Connection& conn, bool first) const {
    const int64_t now = steady_ms();
    conn.deadline_ms = now + int64_t{first ? config.header_timeout : config.idle_timeout} * 1000;
    conn.idle_since_ms = now;
    conn.busy = false;
  }

  // Reads the request line and headers; the view's header fields point into the parser.
  template <class Stream>
  awaitable<ReadOutcome> read_head(Stream& stream, Connection& conn, beast::flat_buffer& buffer, Incoming& in,
                                   bool first) {
    if (!first) conn.arm(config.header_timeout);
    beast::error_code ec;
    co_await http::async_read_header(stream, buffer, in.parser, asio::redirect_error(use_aw, ec));
    co_return head_read(conn, in, ec);
  }

  // The header read or failed: what the parser found, and the view on it for the router.
  ReadOutcome head_read(Connection& conn, Incoming& in, const beast::error_code& ec) {
    if (is_disconnect(ec)) return ReadOutcome::closed();
    conn.busy = true;
    in.t0 = now_unix();
    if (ec == http::error::header_limit) return ReadOutcome::refuse(error_reply(errors::kHeaderTooLarge));
    if (ec == http::error::body_limit) return ReadOutcome::refuse(too_large());  // Content-Length over it
    if (ec) return ReadOutcome::refuse(error_reply(errors::kBadRequest));
    const auto& req = in.parser.get();
    in.verb = std::string(req.method_string());
    in.view.verb = in.verb;
    in.view.target = std::string_view(req.target().data(), req.target().size());
    in.view.content_type = field(req, http::field::content_type);
    in.view.authorization = field(req, http::field::authorization);
    in.view.cookie = field(req, http::field::cookie);
    in.view.csrf_header = field(req, beast::string_view(kCsrfHeader.data(), kCsrfHeader.size()));
    in.view.origin = field(req, http::field::origin);
    in.view.accept_encoding = field(req, http::field::accept_encoding);
    in.view.if_none_match = field(req, http::field::if_none_match);
    in.view.remote = conn.remote;
    in.view.https = conn.https;
    router.prepare(in.view);
    return ReadOutcome::ok();
  }

  // Sets the parser's limits for a new request's header.
  void limit_header(Incoming& in) const {
    in.parser.header_limit(kHeaderLimit);
    in.parser.body_limit(static_cast<uint64_t>(std::max(config.body_limit, upload_limit)));
  }

  // What the header alone decides: protocol errors, the body's limit, who may send a large body,
  // and its share of body_memory_limit. Null when the body may be read.
  std::optional<HttpReply> admit(Incoming& in) {
    auto& parser = in.parser;
    const auto& req = parser.get();
    if (auto bad = check_verb(req.method())) return bad;
    if (req.version() >= 11 && req.find(http::field::host) == req.end()) return error_reply(errors::kHostMissing);
    const auto length = parser.content_length();
    const bool upload = is_upload_target(in.view.target);
    const int64_t limit = upload ? std::max(config.body_limit, upload_limit) : config.body_limit;
    if (length && *length > static_cast<uint64_t>(limit)) return too_large();
    parser.body_limit(static_cast<uint64_t>(limit));
    if (parser.is_done()) return std::nullopt;  // no body
    // Bodies beyond what an unauthenticated caller may send are read only after the request line
    // and headers have authenticated one (OAuth SDKs that send `auth` in the body stay under it).
    int64_t reserve = length ? static_cast<int64_t>(*length) : limit;
    if (!length || *length > static_cast<uint64_t>(config.preauth_body_limit)) {
      if (auto refusal = router.admit_large_body(in.view)) {
        if (length) return refusal;
        // A chunked body of unknown size: read it, but only up to the unauthenticated limit.
        parser.body_limit(static_cast<uint64_t>(config.preauth_body_limit));
        reserve = config.preauth_body_limit;
      }
    }
    reserve = std::min(reserve, config.body_memory_limit);  // a body larger than all of it waits for all of it
    if (!body_budget.try_take(reserve)) {
      HttpReply busy = error_reply(errors::kBodiesBusy);
      busy.headers.emplace_back("Retry-After", "1");
      return busy;
    }
    in.reservation = BodyReservation(&body_budget, reserve);
    parser.get().body().configure(spool_dir, kSpoolThreshold);
    return std::nullopt;
  }

  // Known verbs this server does not serve answer 405; tokens no HTTP method has, 501.
  static std::optional<HttpReply> check_verb(http::verb verb) {
    switch (verb) {
      case http::verb::get:
      case http::verb::head:
      case http::verb::post:
      case http::verb::options:
        return std::nullopt;
      case http::verb::unknown:
        return error_reply(errors::kUnknownVerb);
      default: {
        HttpReply r = error_reply(errors::kVerbNotAllowed);
        r.headers.emplace_back("Allow", "GET, HEAD, POST, OPTIONS");
        return r;
      }
    }
  }

  template <class Stream>
  awaitable<ReadOutcome> read_body(Stream& stream, Connection& conn, beast::flat_buffer& buffer, Incoming& in) {
    auto& parser = in.parser;
    if (beast::iequals(parser.get()[http::field::expect], "100-continue")) {
      static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
      beast::error_code ec;
      conn.arm(config.body_timeout);
      co_await asio::async_write(stream, asio::buffer(kContinue), asio::redirect_error(use_aw, ec));
      if (ec) co_return ReadOutcome::closed();
    }
    if (!parser.is_done()) {  // a GET has no body: skip the extra round through the scheduler
      beast::error_code ec;
      conn.arm(config.body_timeout);
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_aw, ec));
      if (ec) co_return body_failed(conn, ec);
    }
    in.view.body = parser.get().body().view();
    co_return ReadOutcome::ok();
  }

  // A body already in the read buffer (a small POST arrives with its header) is parsed here, without
  // the trip through the scheduler that Beast's async_read makes even when it reads nothing. Null
  // when the socket must be read: the body is incomplete, or the client waits for "100 Continue".
  std::optional<ReadOutcome> body_buffered(Connection& conn, beast::flat_buffer& buffer, Incoming& in) {
    auto& parser = in.parser;
    if (!parser.is_done()) {
      if (beast::iequals(parser.get()[http::field::expect], "100-continue")) return std::nullopt;
      parser.eager(true);  // as http::async_read sets it: the whole body, not one piece
      beast::error_code ec;
      if (!parse_buffered(buffer, parser, ec, /*header_only=*/false)) return std::nullopt;
      if (ec) return body_failed(conn, ec);
    }
    in.view.body = parser.get().body().view();
    return ReadOutcome::ok();
  }

  ReadOutcome body_failed(const Connection& conn, const beast::error_code& ec) {
    // Refused part-way through the body: the rest is drained so the client sees the answer.
    if (ec == http::error::body_limit) return ReadOutcome::refuse(too_large(), true);
    if (is_disconnect(ec) || ec == http::error::partial_message)
      return ReadOutcome::closed();                            // truncated body or slow drip: nothing was processed
    if (ec.category() == boost::system::generic_category()) {  // the spool file could not be written
      spdlog::error("request body from {}: {}", conn.remote, ec.message());
      return ReadOutcome::refuse(error_reply(errors::kNoSpaceForRequest), true);
    }
    return ReadOutcome::refuse(error_reply(errors::kBadRequest));
  }

  // --- Handling ------------------------------------------------------------------------------

  // With metrics.listen, /metrics lives only there, and that listener serves nothing else but
  // /healthz.
  bool routed_here(const Connection& conn, const HttpRequestView& view) const {
    if (config.metrics_listen.empty()) return true;
    if (view.path == "/healthz") return true;
    return (view.path == "/metrics") == conn.metrics_only;
  }

  // Requests that wait for something (a long poll, the durable commit) run as a coroutine or a
  // fiber; every other one is answered right here, without a coroutine frame of its own.
  bool waits(const Connection& conn, const Incoming& in) const {
    if (!routed_here(conn, in.view)) return false;
    if (is_push_http(router.services(), in.view.path)) return true;
    return !router.serves_file(in.view) && router.is_blocking(in.view);
  }

  Dispatched dispatch_now(const Connection& conn, Incoming& in) {
    Dispatched out;
    if (!routed_here(conn, in.view)) {
      out.reply = error_reply(errors::kNotFound);
      out.reply.label = "not_found";
    } else if (router.serves_file(in.view)) {
      FileReply fr = router.handle_file(in.view);
      out.reply = std::move(fr.reply);
      out.file = std::move(fr.file);
    } else {
      return Dispatched{router.handle(in.view), nullptr};  // no default reply built and replaced
    }
    return out;
  }

  // --- Writing -------------------------------------------------------------------------------

  // Writes head and body. Up to 16 KB they go as one two-buffer write (one record, one syscall).
  // A larger body goes after the head in writes of one buffer each: through beast::ssl_stream
  // (whose flat_stream only merges sequences that fit one TLS record) a two-buffer write of a
  // head and a body over 16 KB sent the head and then never completed (issue 17), while
  // single-buffer writes, as downloads always made, complete at every size.
  template <class Stream>
  awaitable<> write_buffers(Stream& stream, Connection& conn, std::string_view head, std::string_view body,
                            beast::error_code& ec) {
    conn.arm(config.body_timeout);
    if (body.empty() || head.size() + body.size() <= kCoalesce) {
      const std::array<asio::const_buffer, 2> out{asio::buffer(head), asio::buffer(body)};
      co_await asio::async_write(stream, out, asio::redirect_error(use_aw, ec));
      co_return;
    }
    co_await asio::async_write(stream, asio::buffer(head), asio::redirect_error(use_aw, ec));
    while (!ec && !body.empty()) {  // bounded slices so the deadline follows the client's pace
      const size_t n = std::min(body.size(), kFileChunk);
      conn.arm(config.body_timeout);
      co_await asio::async_write(stream, asio::buffer(body.data(), n), asio::redirect_error(use_aw, ec));
      body.remove_prefix(n);
    }
  }

  // Streams a file body in chunks, re-arming the timeout per chunk so a large download is
  // bounded by the client's pace, not by one deadline.
  template <class Stream>
  awaitable<> send_file(Stream& stream, Connection& conn, const std::string& head_text, const FileBody& file,
                        bool with_body, beast::error_code& ec) {
    conn.arm(config.body_timeout);
    co_await asio::async_write(stream, asio::buffer(head_text), asio::redirect_error(use_aw, ec));
    if (ec || !with_body) co_return;
    std::vector<char> chunk(kFileChunk);
    uint64_t offset = 0;
    while (offset < file.size()) {
      const size_t want = static_cast<size_t>(std::min<uint64_t>(kFileChunk, file.size() - offset));
      const ssize_t n = ::pread(file.fd(), chunk.data(), want, static_cast<off_t>(offset));
      if (n <= 0) {  // the file shrank or failed under us: the length is promised, so close
        ec = asio::error::broken_pipe;
        co_return;
      }
      conn.arm(config.body_timeout);
      co_await asio::async_write(stream, asio::buffer(chunk.data(), static_cast<size_t>(n)),
                                 asio::redirect_error(use_aw, ec));
      if (ec) co_return;
      offset += static_cast<uint64_t>(n);
    }
  }

  // Sends the answer; false when the connection must close (write failed or no keep-alive).
  // The answer as bytes: its head, the body to send after it (none for HEAD and 304, or when a
  // file follows), and how much of both has gone out.
  struct Outgoing {
    std::string head;
    std::string_view body;
    bool keep = false;
    bool with_body = true;
    size_t sent = 0;
    std::string_view head_left() const { return std::string_view(head).substr(std::min(sent, head.size())); }
    std::string_view body_left() const { return body.substr(sent > head.size() ? sent - head.size() : 0); }
  };

  void prepare_response(const Incoming& in, const Dispatched& out, Outgoing& o) const {
    o.keep = in.parser.get().keep_alive() && !stopping;
    ResponseHead head;
    head.status = out.reply.status;
    head.version = in.parser.get().version() == 10 ? 10 : 11;
    head.keep_alive = o.keep;
    head.content_type = out.reply.content_type;
    head.headers = &out.reply.headers;
    const std::string_view body = out.reply.payload();
    head.content_length = out.file ? out.file->size() : body.size();
    o.head = render_response_head(head);
    // HEAD and 304 announce the length of what a GET would get, and send none of it.
    o.with_body = in.verb != "HEAD" && out.reply.status != 304;
    if (o.with_body && !out.file) o.body = body;
  }

  // Plain TCP: hands the kernel as much of head and body as the socket takes now, in one sendmsg,
  // without waiting. True when all of it went. An asynchronous write would make the same
  // sendmsg and then post its completion: a round through the scheduler per response.
  static bool send_now(socket_t& socket, Outgoing& o, beast::error_code& ec) {
    const std::array<asio::const_buffer, 2> out{asio::buffer(o.head_left()), asio::buffer(o.body_left())};
    o.sent += socket.write_some(out, ec);  // the socket is non-blocking (session())
    if (ec == asio::error::would_block || ec == asio::error::try_again) ec = {};
    return !ec && o.head_left().empty() && o.body_left().empty();
  }
  template <class Tls>
  static bool send_now(Tls&, Outgoing&, beast::error_code&) {
    return false;  // TLS: records are Beast's to write
  }

  // What send_now did not send, or a file: written as the client takes it.
  template <class Stream>
  awaitable<> send_rest(Stream& stream, Connection& conn, const Outgoing& o, const Dispatched& out,
                        beast::error_code& ec) {
    if (out.file)
      co_await send_file(stream, conn, o.head, *out.file, o.with_body, ec);
    else
      co_await write_buffers(stream, conn, o.head_left(), o.body_left(), ec);
  }

  void log_request(const Connection& conn, const Incoming& in, const Dispatched& out) {
    const double elapsed = now_unix() - in.t0;
    metrics.observe_request(out.reply.label, out.reply.status, elapsed);
    if (!config.access_log) return;
    spdlog::info("access remote={} verb={} method={} status={} bytes={} ms={:.3f} cred={}", conn.remote, in.verb,
                 out.reply.label, out.reply.status, out.file ? out.file->size() : out.reply.payload().size(),
                 elapsed * 1000, out.reply.credential.empty() ? "-" : out.reply.credential);
  }

  // Answers a request that will not be handled and closes. When its body was not read, what the
  // client still sends is read and dropped for a moment first, so that it sees the answer
  // instead of a reset (closing with unread data makes the kernel send RST).
  template <class Stream>
  awaitable<> refuse(Stream& stream, Connection& conn, HttpReply reply, bool drain) {
    Dispatched out{std::move(reply), nullptr};
    ResponseHead head;
    head.status = out.reply.status;
    head.keep_alive = false;
    head.content_type = out.reply.content_type;
    head.headers = &out.reply.headers;
    head.content_length = out.reply.body.size();
    const std::string head_text = render_response_head(head);
    beast::error_code ec;
    conn.arm(5);
    const std::array<asio::const_buffer, 2> bufs{asio::buffer(head_text), asio::buffer(out.reply.body)};
    co_await asio::async_write(stream, bufs, asio::redirect_error(use_aw, ec));
    if (ec || !drain) co_return;
    half_close(stream);
    conn.arm(kDrainSeconds);
    static thread_local std::array<char, 64 * 1024> sink;
    size_t dropped = 0;
    while (!ec && dropped < kDrainBytes) {
      dropped += co_await stream.async_read_some(asio::buffer(sink), asio::redirect_error(use_aw, ec));
    }
  }

  static void half_close(socket_t& s) {
    beast::error_code ec;
    s.shutdown(tcp::socket::shutdown_send, ec);
  }
  template <class Tls>
  static void half_close(Tls&) {}  // TLS: the close_notify at the end of the session says it

  // --- The connection ------------------------------------------------------------------------

  // A WebSocket upgrade on the push path: http/websocket.cpp takes the connection over. Only an
  // `Upgrade: websocket` request pays for copying its header into the push server's request type.
  static bool wants_upgrade(const Incoming& in) {
    return beast::iequals(in.parser.get()[http::field::upgrade], "websocket");
  }

  template <class Stream>
  awaitable<bool> take_push_upgrade(Stream& stream, Connection& conn, Incoming& in, beast::flat_buffer& buffer,
                                    RequestArena& arena) {
    const auto& got = in.parser.get();
    PushRequest req{got.method(), got.target(), got.version()};
    for (const auto& field : got) req.set(field.name_string(), field.value());
    if (!is_push_upgrade(router.services(), in.view.path, req)) co_return false;
    // The socket is the push server's for as long as the client stays: let go of what reading
    // the request held, the 16 KB read buffer and the parsed request (copied into req), which
    // would otherwise be most of an idle push connection's memory (bench/push.sh). A client
    // sends nothing before the 101 (RFC 6455 section 4.1), so the buffer holds nothing to keep.
    if (buffer.size() == 0) buffer.shrink_to_fit();
    in.parser.release();
    arena.release();
    // Nor does the watchdog look at it meanwhile (it has no deadline, and tens of thousands of idle
    // push sockets would make every tick a long walk); stop() closes it through the push server.
    std::shared_ptr<Connection> held;
    {
      std::lock_guard lock(conn_mu);
      if (auto it = open.find(std::shared_ptr<Connection>(std::shared_ptr<Connection>(), &conn)); it != open.end()) {
        held = *it;
        open.erase(it);
      }
    }
    co_await serve_push_socket(stream, std::move(req), router.services(), stopping);
    if (held) {
      std::lock_guard lock(conn_mu);
      open.insert(std::move(held));  // the TLS shutdown that follows has a deadline
    }
    co_return true;
  }

  // One connection's requests, in turn. The usual request (its header and body in the buffer
  // after one read, an answer that needs no waiting, a socket that takes the answer at once) runs
  // from the read to the write without a coroutine frame or a post of its own: each of those was a
  // malloc or a round through the scheduler. Whatever has to wait goes through the awaiting
  // helpers, which carry on from where the quick path stopped.
  //
  // After an answer the client's next request is seldom here yet: reading at once failed with
  // EAGAIN for nearly every request under load (a system call each) before the read waited on
  // epoll. The read goes behind the work already queued on this thread instead, which gives the
  // request time to arrive.
  // GCC 12 at -O2 takes the coroutine frame's delete for a mismatch with asio's recycling
  // allocator in a coroutine that awaits in more than one branch (a false positive).
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmismatched-new-delete"
  template <class Stream>
  awaitable<> serve(Stream& stream, Connection& conn) {
    beast::flat_buffer buffer;
    RequestArena arena;
    for (bool first = true; !stopping; first = false) {
      between_requests(conn, first);
      if (buffer.size() == 0) {  // else a pipelined request is here already
        if (!first) {
          co_await asio::post(use_aw);
          if (stopping) co_return;  // stop()'s cancel may have come while no read was pending
        }
        // Awaited here rather than in a helper coroutine: each of those is a frame allocated.
        beast::error_code ec;
        const size_t n = co_await stream.async_read_some(buffer.prepare(kFirstRead), asio::redirect_error(use_aw, ec));
        buffer.commit(n);
        if (ec || n == 0) co_return;  // the client has gone
      }
      arena.rewind();  // the previous request's Incoming is gone
      Incoming in(arena);
      limit_header(in);
      ReadOutcome r;
      beast::error_code ec;
      if (parse_buffered(buffer, in.parser, ec, /*header_only=*/true))
        r = head_read(conn, in, ec);
      else
        r = co_await read_head(stream, conn, buffer, in, first);
      if (r.kind == ReadOutcome::kServe) {
        if (auto refusal = admit(in)) r = ReadOutcome::refuse(std::move(*refusal), /*body_unread=*/true);
      }
      if (r.kind == ReadOutcome::kServe) {
        if (auto now = body_buffered(conn, buffer, in))
          r = std::move(*now);
        else
          r = co_await read_body(stream, conn, buffer, in);
      }
      if (r.kind == ReadOutcome::kClosed) co_return;
      if (r.kind == ReadOutcome::kRefused) {
        Dispatched out{*r.refusal, nullptr};
        if (!in.verb.empty()) log_request(conn, in, out);
        co_await refuse(stream, conn, std::move(*r.refusal), r.body_unread);
        co_return;
      }
      conn.disarm();  // the request is ours now: no client timeout while it is handled
      // The push server takes the socket over.
      if (wants_upgrade(in) && co_await take_push_upgrade(stream, conn, in, buffer, arena)) co_return;
      Dispatched out;
      if (!waits(conn, in)) {
        out = dispatch_now(conn, in);
      } else if (is_push_http(router.services(), in.view.path)) {
        // Long polling and its publication URL: a poll waits on an async timer, not a thread.
        out.reply = co_await serve_push_http(push_polls, in.view, router.services(), stopping);
      } else {
        // Writers wait for the durable group commit in a fiber, so many wait together and one
        // commit serves them all. Awaited here, not in a helper coroutine: that frame (a reply and
        // more, past what Asio recycles) cost a malloc and a malloc_consolidate per request.
        auto handle = [&] { return router.handle(in.view); };
        out.reply = co_await in_fiber(handle);
      }
      Outgoing o;
      prepare_response(in, out, o);
      if (out.file || !send_now(stream, o, ec)) {
        if (!ec) co_await send_rest(stream, conn, o, out, ec);
      }
      log_request(conn, in, out);
      conn.busy = false;
      if (ec || !o.keep) co_return;
    }
  }
#pragma GCC diagnostic pop

  void stop() {
    if (stopping.exchange(true)) return;
    // Push sockets are busy for as long as they are open: they close with 1001 now.
    for (auto& ctx : contexts) stop_push_sockets(*ctx);
    asio::post(ioc, [this] {
      beast::error_code ec;
      acceptor.close(ec);
      metrics_acceptor.close(ec);
      tls_acceptor.close(ec);
      release_when_drained();
      std::lock_guard lock(conn_mu);
      for (const auto& c : open) {
        if (c->busy) continue;  // finishes its request, then sees `stopping`
        asio::post(c->home, [c] {
          beast::error_code e;
          if (!c->busy && c->socket) c->socket->cancel(e);
        });
      }
    });
  }
};

HttpServer::HttpServer(const Config& config, Router& router, Metrics& metrics, std::string spool_dir)
    : impl_(std::make_unique<Impl>(config, router, metrics, std::move(spool_dir))) {}

HttpServer::~HttpServer() {
  impl_->pool.join();
  set_blocking_executor(nullptr);
}

void HttpServer::start() {
  // Blocking work of writing methods (file writes with fsync) leaves the io threads for the pool.
  set_blocking_executor([this](std::function<void()> work) { asio::post(impl_->pool, std::move(work)); });
  impl_->start();
}

unsigned short HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void HttpServer::run() {
  // An idle context must not return before stop(): the work guards hold them until the drain.
  for (auto& ctx : impl_->contexts) impl_->guards.push_back(asio::make_work_guard(*ctx));
  if (impl_->stopping) impl_->release_when_drained();
  std::vector<std::thread> threads;
  for (size_t i = 1; i < impl_->contexts.size(); ++i) threads.emplace_back([this, i] { impl_->contexts[i]->run(); });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
  impl_->pool.join();
}

bool HttpServer::serves_tls_listen() const { return impl_->serving_tls_listen; }

void HttpServer::stop() { impl_->stop(); }

}  // namespace imhub
