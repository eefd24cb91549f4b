#include "http/router.hpp"

#include "rest/error_reply.hpp"

#include "core/error_catalog.hpp"

#include "core/crypto.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "http/health.hpp"
#include "http/response_head.hpp"
#include "ops/metrics.hpp"
#include "rest/decode.hpp"

namespace imhub {
namespace {

// metrics.token: the scraper sends "Authorization: Bearer <token>" (compared in constant time).
bool metrics_token_ok(const Config& config, std::string_view authorization) {
  if (config.metrics_token.empty()) return true;
  if (!starts_with_ci(authorization, "bearer ")) return false;
  return constant_time_equals(config.metrics_token, trim(authorization.substr(7)));
}

}  // namespace

void Router::prepare(HttpRequestView& request) const {
  std::string_view path;
  split_target(request.target, path, request.query);
  request.path = normalize_path(path);
  if (request.path.rfind("/rest/", 0) == 0) dispatcher_.prepare(request);
}

std::optional<HttpReply> Router::admit_large_body(const HttpRequestView& request) {
  if (request.rest) return dispatcher_.authenticate_head(request);
  if (request.path == kUploadPath) return check_upload_link(services_, request);
  return error_reply(errors::kBodyTooLarge, "too_large");
}

HttpReply Router::handle(const HttpRequestView& request) {
  const std::string& p = request.path;
  // REST calls, nearly every request, go first (a preflight of one still answers below): returned
  // straight into the caller's reply, not built here as a default and then replaced.
  if (request.verb != "OPTIONS" && p.rfind("/rest/", 0) == 0) return dispatcher_.handle(request);
  HttpReply reply;
  if (request.verb == "OPTIONS") {
    reply.status = 200;
    reply.content_type = "text/plain; charset=utf-8";
    reply.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    reply.headers.emplace_back("Access-Control-Max-Age", "86400");
    // A preflight of a credentialed live-chat call (livechat_auth_id in the query, as the widget
    // sends it, from another website) must name the origin; the answer itself carries it only for
    // live-chat callers (rest/dispatcher.cpp). Every other preflight keeps the platform's "*".
    if (request.rest && !request.origin.empty() && request.query.find("livechat_auth_id=") != std::string_view::npos) {
      reply.headers.emplace_back(std::string(kAllowOriginHeader), std::string(request.origin));
      reply.headers.emplace_back("Access-Control-Allow-Credentials", "true");
      reply.headers.emplace_back("Vary", "Origin");
    }
    reply.label = "options";
  } else if (p == "/healthz") {
    reply = health_reply(services_);
  } else if (p == "/metrics") {
    if (!metrics_token_ok(services_.config, request.authorization)) {
      reply = error_reply(errors::kNoAuthFound, "metrics");
      reply.headers.emplace_back("WWW-Authenticate", "Bearer");
      return reply;
    }
    reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
    reply.body = services_.metrics.render(services_.store.stats());
    reply.label = "metrics";
  } else if (is_web_route(web_, request)) {  // before the auth routes: GET /login is the client's page
    reply = serve_web(*web_, request);
  } else if (is_auth_route(p)) {
    reply = handle_auth(services_, login_throttle_, request);
  } else if (is_oauth_route(p)) {
    reply = handle_oauth(services_, request);
  } else if (p == kUploadPath) {
    reply = handle_upload(services_, request);
  } else {
    reply = error_reply(errors::kNotFound, "not_found");
  }
  return reply;
}

}  // namespace imhub
