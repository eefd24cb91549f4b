// Maps HTTP paths to handlers: /rest/… to the REST dispatcher, /healthz, /metrics, CORS
// preflight. Later issues add /oauth/… and the browser client here.
#pragma once

#include "rest/dispatcher.hpp"

namespace imhub {

class Router {
 public:
  Router(Services& services, Dispatcher& dispatcher) : services_(services), dispatcher_(dispatcher) {}
  bool is_blocking(const HttpRequestView& request) const;
  HttpReply handle(const HttpRequestView& request);

 private:
  Services& services_;
  Dispatcher& dispatcher_;
};

// Headers every response carries, as the real platform sends them (protocol.md §1.5).
void add_platform_headers(HttpReply& reply);

}  // namespace imhub
