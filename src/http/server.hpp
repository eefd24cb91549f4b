// The HTTP/1.1 server: Boost.Beast on an io_context run by one thread per core, optional TLS,
// keep-alive, Expect: 100-continue, header/body/idle timeouts, and a graceful drain on stop().
#pragma once

#include <functional>
#include <memory>
#include <string>

#include "core/config.hpp"
#include "http/router.hpp"

namespace imhub {

class Metrics;

class HttpServer {
 public:
  // Request bodies larger than 1 MB are kept in anonymous files in `spool_dir` (memory when empty).
  HttpServer(const Config& config, Router& router, Metrics& metrics, std::string spool_dir = {});
  ~HttpServer();
  // Binds the listen address; throws std::runtime_error when it cannot.
  void start();
  // The bound port (useful with port 0).
  unsigned short port() const;
  // Whether HTTPS is served on tls.listen (the automatic one is skipped when its port is taken).
  bool serves_tls_listen() const;
  // Serves until stop(); returns once every connection has finished.
  void run();
  // Stops accepting, lets in-flight requests finish, closes idle connections. Thread-safe.
  void stop();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace imhub
