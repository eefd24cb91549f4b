#include "http/server.hpp"

#include <spdlog/spdlog.h>

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
#include "ops/metrics.hpp"

namespace imhub {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

namespace {
constexpr size_t kHeaderLimit = 96 * 1024;  // request lines up to 64 KB fit with room for headers

// One open connection, so stop() can close the idle ones.
struct Connection {
  tcp::socket* socket = nullptr;
  asio::any_io_executor strand;  // the connection's strand: everything on the socket runs there
  std::atomic<bool> busy{false};
  explicit Connection(asio::any_io_executor s) : strand(std::move(s)) {}
};

std::string error_json(std::string_view code, std::string_view description) {
  return "{\"error\":\"" + std::string(code) + "\",\"error_description\":\"" + std::string(description) + "\"}";
}
}  // namespace

struct HttpServer::Impl {
  const Config& config;
  Router& router;
  Metrics& metrics;
  asio::io_context ioc;
  asio::thread_pool pool;
  std::optional<asio::ssl::context> tls;
  tcp::acceptor acceptor{ioc};
  std::atomic<bool> stopping{false};
  std::atomic<int> connections{0};
  std::mutex conn_mu;
  std::set<std::shared_ptr<Connection>> open;

  Impl(const Config& c, Router& r, Metrics& m)
      : config(c), router(r), metrics(m), pool(static_cast<size_t>(c.workers)) {}

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
    asio::co_spawn(ioc, accept_loop(), asio::detached);
  }

  asio::awaitable<void> accept_loop() {
    while (!stopping) {
      beast::error_code ec;
      tcp::socket socket = co_await acceptor.async_accept(asio::make_strand(ioc),
                                                          asio::redirect_error(asio::use_awaitable, ec));
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

  asio::awaitable<void> session(tcp::socket socket) {
    ++connections;
    metrics.connection_opened();
    std::string remote;
    beast::error_code ec;
    auto ep = socket.remote_endpoint(ec);
    if (!ec) remote = ep.address().to_string();
    auto conn = std::make_shared<Connection>(socket.get_executor());
    beast::tcp_stream stream(std::move(socket));
    conn->socket = &stream.socket();
    {
      std::lock_guard lock(conn_mu);
      open.insert(conn);
    }
    try {
      if (tls) {
        beast::ssl_stream<beast::tcp_stream> ssl(std::move(stream), *tls);
        conn->socket = &beast::get_lowest_layer(ssl).socket();
        beast::get_lowest_layer(ssl).expires_after(std::chrono::seconds(config.header_timeout));
        co_await ssl.async_handshake(asio::ssl::stream_base::server, asio::use_awaitable);
        co_await serve(ssl, *conn, remote);
        beast::get_lowest_layer(ssl).expires_after(std::chrono::seconds(2));
        co_await ssl.async_shutdown(asio::redirect_error(asio::use_awaitable, ec));
      } else {
        co_await serve(stream, *conn, remote);
        stream.socket().shutdown(tcp::socket::shutdown_send, ec);
      }
    } catch (const std::exception& e) {
      spdlog::debug("connection from {} closed: {}", remote, e.what());
    }
    {
      std::lock_guard lock(conn_mu);
      open.erase(conn);
    }
    --connections;
    metrics.connection_closed();
  }

  template <class Stream>
  asio::awaitable<void> send_and_close(Stream& stream, http::status status, std::string body) {
    http::response<http::string_body> res{status, 11};
    res.set(http::field::content_type, "application/json; charset=utf-8");
    res.set(http::field::access_control_allow_origin, "*");
    res.keep_alive(false);
    res.body() = std::move(body);
    res.prepare_payload();
    beast::error_code ec;
    beast::get_lowest_layer(stream).expires_after(std::chrono::seconds(5));
    co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
  }

  template <class Stream>
  asio::awaitable<void> serve(Stream& stream, Connection& conn, const std::string& remote) {
    beast::flat_buffer buffer;
    bool first = true;
    while (!stopping) {
      http::request_parser<http::string_body> parser;
      parser.header_limit(kHeaderLimit);
      parser.body_limit(static_cast<uint64_t>(config.body_limit));
      auto& lowest = beast::get_lowest_layer(stream);
      lowest.expires_after(std::chrono::seconds(first ? config.header_timeout : config.idle_timeout));
      first = false;
      beast::error_code ec;
      co_await http::async_read_header(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == http::error::end_of_stream || ec == beast::error::timeout || ec == asio::error::operation_aborted ||
          ec == asio::error::connection_reset || ec == asio::error::eof)
        co_return;
      conn.busy = true;
      if (ec == http::error::header_limit) {
        co_await send_and_close(stream, http::status::request_header_fields_too_large,
                                error_json("INVALID_REQUEST", "Request header too large"));
        co_return;
      }
      if (ec == http::error::body_limit) {  // Content-Length already over the limit
        co_await send_and_close(stream, http::status::payload_too_large,
                                error_json("REQUEST_TOO_LARGE", "Request body exceeds the configured limit"));
        co_return;
      }
      if (ec) {
        co_await send_and_close(stream, http::status::bad_request, error_json("INVALID_REQUEST", "Malformed request"));
        co_return;
      }
      double t0 = now_unix();
      auto& hreq = parser.get();
      if (beast::iequals(hreq[http::field::expect], "100-continue")) {
        http::response<http::empty_body> cont{http::status::continue_, 11};
        co_await http::async_write(stream, cont, asio::use_awaitable);
      }
      lowest.expires_after(std::chrono::seconds(config.body_timeout));
      co_await http::async_read(stream, buffer, parser, asio::redirect_error(asio::use_awaitable, ec));
      if (ec == http::error::body_limit) {
        co_await send_and_close(stream, http::status::payload_too_large,
                                error_json("REQUEST_TOO_LARGE", "Request body exceeds the configured limit"));
        co_return;
      }
      if (ec == beast::error::timeout || ec == http::error::partial_message || ec == asio::error::eof ||
          ec == asio::error::connection_reset)
        co_return;  // truncated body or slow drip: nothing was processed
      if (ec) {
        co_await send_and_close(stream, http::status::bad_request, error_json("INVALID_REQUEST", "Malformed request"));
        co_return;
      }
      auto req = parser.release();
      HttpRequestView view;
      std::string verb(req.method_string());
      view.verb = verb;
      view.target = std::string_view(req.target().data(), req.target().size());
      view.content_type = std::string_view(req[http::field::content_type].data(), req[http::field::content_type].size());
      view.authorization =
          std::string_view(req[http::field::authorization].data(), req[http::field::authorization].size());
      view.body = req.body();
      view.remote = remote;

      HttpReply reply;
      if (router.is_blocking(view)) {
        // Writers wait for the durable group commit; keep that wait off the io threads.
        co_await asio::post(pool, asio::use_awaitable);
        reply = router.handle(view);
        co_await asio::post(conn.strand, asio::use_awaitable);
      } else {
        reply = router.handle(view);
      }

      http::response<http::string_body> res{static_cast<http::status>(reply.status), req.version()};
      res.set(http::field::server, "imhub");
      res.set(http::field::content_type, reply.content_type);
      for (auto& [k, v] : reply.headers) res.set(k, v);
      bool keep = req.keep_alive() && !stopping;
      res.keep_alive(keep);
      res.body() = std::move(reply.body);
      res.prepare_payload();
      size_t bytes = res.body().size();
      lowest.expires_after(std::chrono::seconds(config.body_timeout));
      co_await http::async_write(stream, res, asio::redirect_error(asio::use_awaitable, ec));
      double elapsed = now_unix() - t0;
      metrics.observe_request(reply.label, reply.status, elapsed);
      if (config.access_log)
        spdlog::info("access remote={} verb={} method={} status={} bytes={} ms={:.3f} cred={}", remote, verb,
                     reply.label, reply.status, bytes, elapsed * 1000, reply.credential.empty() ? "-" : reply.credential);
      conn.busy = false;
      if (ec || !keep) co_return;
    }
  }

  void stop() {
    if (stopping.exchange(true)) return;
    asio::post(ioc, [this] {
      beast::error_code ec;
      acceptor.close(ec);
      std::lock_guard lock(conn_mu);
      for (const auto& c : open) {
        if (c->busy) continue;  // finishes its request, then sees `stopping`
        asio::post(c->strand, [c] {
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
}

void HttpServer::start() { impl_->start(); }

unsigned short HttpServer::port() const { return impl_->acceptor.local_endpoint().port(); }

void HttpServer::run() {
  int n = impl_->config.threads > 0 ? impl_->config.threads : static_cast<int>(std::thread::hardware_concurrency());
  if (n < 1) n = 1;
  std::vector<std::thread> threads;
  for (int i = 1; i < n; ++i) threads.emplace_back([this] { impl_->ioc.run(); });
  impl_->ioc.run();
  for (auto& t : threads) t.join();
  impl_->pool.join();
}

void HttpServer::stop() { impl_->stop(); }

}  // namespace imhub
