#include "http/router.hpp"

#include "core/json.hpp"
#include "ops/metrics.hpp"
#include "rest/decode.hpp"

namespace imhub {

void Router::prepare(HttpRequestView& request) const {
  std::string_view path;
  split_target(request.target, path, request.query);
  request.path = normalize_path(path);
  if (request.path.rfind("/rest/", 0) == 0) dispatcher_.prepare(request);
}

HttpReply Router::handle(const HttpRequestView& request) {
  const std::string& p = request.path;
  HttpReply reply;
  if (request.verb == "OPTIONS") {
    reply.status = 200;
    reply.content_type = "text/plain; charset=utf-8";
    reply.headers.emplace_back("Access-Control-Allow-Methods", "GET, POST, OPTIONS");
    reply.headers.emplace_back("Access-Control-Max-Age", "86400");
    reply.label = "options";
  } else if (p == "/healthz") {
    bool ok = true;
    try {
      services_.store.read([](Conn& c) { c.query("SELECT 1"); });
    } catch (const std::exception&) {
      ok = false;
    }
    reply.status = ok ? 200 : 503;
    reply.body = ok ? R"({"status":"ok"})" : R"({"status":"store unavailable"})";
    reply.label = "healthz";
  } else if (p == "/metrics") {
    reply.content_type = "text/plain; version=0.0.4; charset=utf-8";
    reply.body = services_.metrics.render(services_.store.stats());
    reply.label = "metrics";
  } else if (p.rfind("/rest/", 0) == 0) {
    reply = dispatcher_.handle(request);
  } else if (is_oauth_route(p)) {
    reply = handle_oauth(services_, request);
  } else if (p == kUploadPath) {
    reply = handle_upload(services_, request);
  } else {
    reply.status = 404;
    reply.body = R"({"error":"NOT_FOUND","error_description":"Not found"})";
    reply.label = "not_found";
  }
  return reply;
}

}  // namespace imhub
