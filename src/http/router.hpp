// Maps HTTP paths to handlers: /rest/… to the REST dispatcher, /healthz, /metrics, CORS
// preflight. Later issues add /oauth/… and the browser client here.
#pragma once

#include "rest/dispatcher.hpp"

namespace imhub {

class Router {
 public:
  Router(Services& services, Dispatcher& dispatcher) : services_(services), dispatcher_(dispatcher) {}
  // Parses the target once (path, query, REST method); call before is_blocking and handle.
  void prepare(HttpRequestView& request) const;
  static bool is_blocking(const HttpRequestView& request) { return Dispatcher::is_blocking(request); }
  HttpReply handle(const HttpRequestView& request);

 private:
  Services& services_;
  Dispatcher& dispatcher_;
};

}  // namespace imhub
