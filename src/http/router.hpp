// Maps HTTP paths to handlers: /rest/… to the REST dispatcher, /healthz, /metrics, CORS
// preflight, /oauth/… (http/oauth_routes), /auth/… and /login (http/auth_routes), the upload link
// (http/file_routes), and the browser client's pages and files (http/web_routes). The push
// transports (/bitrix/sub…, /bitrix/pub/) and file downloads are taken by the server before it
// asks the router.
#pragma once

#include "http/auth_routes.hpp"
#include "http/file_routes.hpp"
#include "http/oauth_routes.hpp"
#include "http/web_routes.hpp"
#include "rest/dispatcher.hpp"

namespace imhub {

class Router {
 public:
  // `web`: the browser client to serve (null: none; then /login is the plain form). It must
  // outlive the router.
  Router(Services& services, Dispatcher& dispatcher, const WebClient* web = nullptr)
      : services_(services), dispatcher_(dispatcher), web_(web), login_throttle_(login_limits(services.config)) {}
  // Parses the target once (path, query, REST method); call before is_blocking and handle.
  void prepare(HttpRequestView& request) const;
  static bool is_blocking(const HttpRequestView& request) {
    // The upload link waits for the disk and the durable commit, like a writing method; so do
    // the OAuth endpoints (codes and spent refresh tokens are written), and sign-in (an Argon2id
    // hash and a written session).
    return Dispatcher::is_blocking(request) ||
           (!request.rest && (request.path == kUploadPath || is_oauth_route(request.path) ||
                              (request.verb == "POST" && is_auth_route(request.path))));
  }
  HttpReply handle(const HttpRequestView& request);
  // Before a body larger than server.preauth_body_limit is read: null when the request line and
  // headers authenticate a caller who may send it (REST credentials, a signed upload link); the
  // refusal otherwise (401/403/404, or 413 for paths that never take large bodies).
  std::optional<HttpReply> admit_large_body(const HttpRequestView& request);
  // Downloads and avatars: a body streamed from a file (see file_routes.hpp).
  static bool serves_file(const HttpRequestView& request) { return !request.rest && is_file_route(request); }
  FileReply handle_file(const HttpRequestView& request) { return serve_file(services_, request); }
  // What the push WebSocket (http/websocket.hpp) serves from.
  Services& services() const { return services_; }

 private:
  Services& services_;
  Dispatcher& dispatcher_;
  const WebClient* web_;
  LoginThrottle login_throttle_;  // failed sign-ins, in memory
};

}  // namespace imhub
