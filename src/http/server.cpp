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
#include "core/fiber.hpp"
#include "http/file_routes.hpp"
#include "http/response_head.hpp"
#include "http/websocket.hpp"
#include "ops/metrics.hpp"

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
HttpReply internal_error_reply() {
  HttpReply reply;
  reply.status = 500;
  reply.content_type = "application/json";
  reply.body = R"({"error":"INTERNAL_SERVER_ERROR","error_description":"Internal server error"})";
  return reply;
}

// Runs `fn` as a fiber on this io thread (core/fiber.hpp) and resumes the coroutine with its
// reply. While `fn` waits for the durable commit the thread serves other connections; many
// waiting writers share one commit. The work guard keeps the io_context running until the
// fiber has answered, even when its only pending work is a unit in the writer's queue.
template <class Fn>
awaitable<HttpReply> in_fiber(Fn& fn) {
  co_return co_await asio::async_initiate<decltype(use_aw), void(HttpReply)>(
      [&fn](auto handler) {
        auto ex = asio::get_associated_executor(handler);
        auto guard = asio::make_work_guard(ex);
        auto shared = std::make_shared<decltype(handler)>(std::move(handler));
        spawn_fiber(
            [&fn, shared, ex, guard]() mutable {
              HttpReply reply;
              try {
                reply = fn();
              } catch (const std::exception&) {
                reply = internal_error_reply();
              }
              asio::post(ex, [shared, reply = std::move(reply)]() mutable { std::move (*shared)(std::move(reply)); });
              guard.reset();
            },
            [ex](std::function<void()> resume) { asio::post(ex, std::move(resume)); });
      },
      use_aw);
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
  // The connection's home: an io_context run by exactly one thread, so everything on the
  // socket is serialised without a strand.
  executor_t home;
  std::atomic<bool> busy{false};
  // Timeouts: the session sets a deadline before each wait on the client and clears it while
  // it works on a request; the watchdog shuts down sockets past their deadline. This replaces
  // a timer per read and write (Beast's basic_stream), which cost a timer queue update and
  // often a syscall per operation.
  std::atomic<int64_t> deadline_ms{0};
  explicit Connection(executor_t h) : home(std::move(h)) {}
  void arm(int seconds) { deadline_ms = steady_ms() + int64_t{seconds} * 1000; }
  void disarm() { deadline_ms = 0; }
};

constexpr auto kWatchdogTick = std::chrono::milliseconds(250);
constexpr size_t kFileChunk = 256 * 1024;

std::string error_json(std::string_view code, std::string_view description) {
  return "{\"error\":\"" + std::string(code) + "\",\"error_description\":\"" + std::string(description) + "\"}";
}
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
  std::atomic<bool> stopping{false};
  std::atomic<int> connections{0};
  std::mutex conn_mu;
  std::set<std::shared_ptr<Connection>> open;
  // Upload requests (file_routes.hpp) may be larger than body_limit; the header phase admits
  // the larger size and serve() narrows it once the target is known.
  const int64_t upload_limit;

  Impl(const Config& c, Router& r, Metrics& m)
      : config(c),
        router(r),
        metrics(m),
        contexts(make_contexts(c)),
        ioc(*contexts.front()),
        pool(static_cast<size_t>(c.workers)),
        upload_limit(upload_body_limit(c.max_upload_bytes)) {}

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
    if (config.tls_enabled) {
      tls.emplace(asio::ssl::context::tls_server);
      tls->set_options(asio::ssl::context::default_workarounds | asio::ssl::context::no_sslv2 |
                       asio::ssl::context::no_sslv3 | asio::ssl::context::no_tlsv1 | asio::ssl::context::no_tlsv1_1);
      tls->use_certificate_chain_file(config.tls_cert);
      tls->use_private_key_file(config.tls_key, asio::ssl::context::pem);
    }
    auto colon = config.listen.rfind(':');
    std::string host = config.listen.substr(0, colon);
    if (host.size() > 2 && host.front() == '[') host = host.substr(1, host.size() - 2);
    auto port = static_cast<unsigned short>(std::stoi(config.listen.substr(colon + 1)));
    tcp::resolver resolver(ioc);
    auto results = resolver.resolve(host, std::to_string(port));
    tcp::endpoint ep = results.begin()->endpoint();
    acceptor.open(ep.protocol());
    acceptor.set_option(asio::socket_base::reuse_address(true));
    acceptor.bind(ep);
    acceptor.listen(asio::socket_base::max_listen_connections);
    asio::co_spawn(ioc.get_executor(), accept_loop(), asio::detached);
    asio::co_spawn(ioc.get_executor(), watchdog(), asio::detached);
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

  awaitable<> accept_loop() {
    while (!stopping) {
      beast::error_code ec;
      socket_t socket = co_await acceptor.async_accept(pick_context(), asio::redirect_error(use_aw, ec));
      if (ec) {
        if (stopping || ec == asio::error::operation_aborted) break;
        continue;  // e.g. EMFILE: keep accepting
      }
      if (connections.load() >= config.max_connections) {
        socket.close(ec);
        continue;
      }
      socket.set_option(tcp::no_delay(true), ec);
      auto exec = socket.get_executor();
      asio::co_spawn(exec, session(std::move(socket)), asio::detached);
    }
  }

  awaitable<> session(socket_t socket) {
    ++connections;
    metrics.connection_opened();
    std::string remote;
    beast::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string();
    auto conn = std::make_shared<Connection>(socket.get_executor());
    socket_t& stream = socket;
    conn->socket = &stream;
    {
      std::lock_guard lock(conn_mu);
      open.insert(conn);
    }
    try {
      if (tls) {
        beast::ssl_stream<socket_t&> ssl(stream, *tls);
        conn->arm(config.header_timeout);
        co_await ssl.async_handshake(asio::ssl::stream_base::server, use_aw);
        co_await serve(ssl, *conn, remote);
        conn->arm(2);
        co_await ssl.async_shutdown(asio::redirect_error(use_aw, ec));
      } else {
        co_await serve(stream, *conn, remote);
        stream.shutdown(tcp::socket::shutdown_send, ec);
      }
    } catch (const std::exception& e) {
      spdlog::debug("connection from {} closed: {}", remote, e.what());
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

  template <class Stream>
  awaitable<> send_and_close(Stream& stream, Connection& conn, http::status status, std::string body) {
    ResponseHead head;
    head.status = static_cast<int>(status);
    head.keep_alive = false;
    head.content_type = "application/json; charset=utf-8";
    head.content_length = body.size();
    const std::string head_text = render_response_head(head);
    const std::array<asio::const_buffer, 2> out{asio::buffer(head_text), asio::buffer(body)};
    beast::error_code ec;
    conn.arm(5);
    co_await asio::async_write(stream, out, asio::redirect_error(use_aw, ec));
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

  template <class Stream>
  awaitable<> serve(Stream& stream, Connection& conn, const std::string& remote) {
    beast::flat_buffer buffer;
    bool first = true;
    while (!stopping) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(kHeaderLimit);
      parser.body_limit(static_cast<uint64_t>(std::max(config.body_limit, upload_limit)));
      conn.arm(first ? config.header_timeout : config.idle_timeout);
      first = false;
      beast::error_code ec;
      co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(use_aw, ec));
      if (ec == http::error::end_of_stream || ec == asio::error::operation_aborted ||
          ec == asio::error::connection_reset || ec == asio::error::eof)
        co_return;
      conn.busy = true;
      if (ec == http::error::header_limit) {
        co_await send_and_close(stream, conn, http::status::request_header_fields_too_large,
                                error_json("INVALID_REQUEST", "Request header too large"));
        co_return;
      }
      if (ec == http::error::body_limit) {  // Content-Length already over the limit
        co_await send_and_close(stream, conn, http::status::payload_too_large,
                                error_json("REQUEST_TOO_LARGE", "Request body exceeds the configured limit"));
        co_return;
      }
      if (ec) {
        co_await send_and_close(stream, conn, http::status::bad_request,
                                error_json("INVALID_REQUEST", "Malformed request"));
        co_return;
      }
      double t0 = now_unix();
      auto& hreq = parser.get();
      if (upload_limit > config.body_limit) {
        const auto length = parser.content_length();
        if (!length || *length > static_cast<uint64_t>(config.body_limit)) {
          const bool upload = is_upload_target(std::string_view(hreq.target().data(), hreq.target().size()));
          if (length && !upload) {
            co_await send_and_close(stream, conn, http::status::payload_too_large,
                                    error_json("REQUEST_TOO_LARGE", "Request body exceeds the configured limit"));
            co_return;
          }
          parser.body_limit(static_cast<uint64_t>(upload ? upload_limit : config.body_limit));
        }
      }
      if (beast::iequals(hreq[http::field::expect], "100-continue")) {
        http::response<http::empty_body> cont{http::status::continue_, 11};
        co_await http::async_write(stream, cont, use_aw);
      }
      if (!parser.is_done()) {  // a GET has no body: skip the extra round through the scheduler
        conn.arm(config.body_timeout);
        co_await http::async_read(stream, buffer, parser, asio::redirect_error(use_aw, ec));
      }
      if (ec == http::error::body_limit) {
        co_await send_and_close(stream, conn, http::status::payload_too_large,
                                error_json("REQUEST_TOO_LARGE", "Request body exceeds the configured limit"));
        co_return;
      }
      if (ec == asio::error::operation_aborted || ec == http::error::partial_message || ec == asio::error::eof ||
          ec == http::error::end_of_stream || ec == asio::error::connection_reset)
        co_return;  // truncated body or slow drip: nothing was processed
      if (ec) {
        co_await send_and_close(stream, conn, http::status::bad_request,
                                error_json("INVALID_REQUEST", "Malformed request"));
        co_return;
      }
      conn.disarm();  // the request is ours now: no client timeout while it is handled
      auto req = parser.release();
      HttpRequestView view;
      std::string verb(req.method_string());
      view.verb = verb;
      view.target = std::string_view(req.target().data(), req.target().size());
      view.content_type =
          std::string_view(req[http::field::content_type].data(), req[http::field::content_type].size());
      view.authorization =
          std::string_view(req[http::field::authorization].data(), req[http::field::authorization].size());
      view.body = req.body();
      view.remote = remote;

      router.prepare(view);
      if (is_push_upgrade(router.services(), view.path, req)) {  // the push server takes the socket over
        co_await serve_push_socket(stream, std::move(req), router.services(), stopping);
        co_return;
      }
      HttpReply reply;
      std::shared_ptr<FileBody> file;
      if (router.serves_file(view)) {
        FileReply fr = router.handle_file(view);
        reply = std::move(fr.reply);
        file = std::move(fr.file);
      } else if (router.is_blocking(view)) {
        // Writers wait for the durable group commit in a fiber, so many wait together and one
        // commit serves them all.
        auto handle = [&] { return router.handle(view); };
        reply = co_await in_fiber(handle);
      } else {
        reply = router.handle(view);
      }

      bool keep = req.keep_alive() && !stopping;
      ResponseHead head;
      head.status = reply.status;
      head.version = req.version() == 10 ? 10 : 11;
      head.keep_alive = keep;
      head.content_type = reply.content_type;
      head.headers = &reply.headers;
      head.content_length = file ? file->size() : reply.body.size();
      const std::string head_text = render_response_head(head);
      const size_t bytes = head.content_length;
      if (file) {
        co_await send_file(stream, conn, head_text, *file, verb != "HEAD", ec);
      } else {
        const std::array<asio::const_buffer, 2> out{asio::buffer(head_text), asio::buffer(reply.body)};
        conn.arm(config.body_timeout);
        co_await asio::async_write(stream, out, asio::redirect_error(use_aw, ec));
      }
      double elapsed = now_unix() - t0;
      metrics.observe_request(reply.label, reply.status, elapsed);
      if (config.access_log)
        spdlog::info("access remote={} verb={} method={} status={} bytes={} ms={:.3f} cred={}", remote, verb,
                     reply.label, reply.status, bytes, elapsed * 1000,
                     reply.credential.empty() ? "-" : reply.credential);
      conn.busy = false;
      if (ec || !keep) co_return;
    }
  }

  void stop() {
    if (stopping.exchange(true)) return;
    asio::post(ioc, [this] {
      beast::error_code ec;
      acceptor.close(ec);
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

HttpServer::HttpServer(const Config& config, Router& router, Metrics& metrics)
    : impl_(std::make_unique<Impl>(config, router, metrics)) {}

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

void HttpServer::stop() { impl_->stop(); }

}  // namespace imhub
