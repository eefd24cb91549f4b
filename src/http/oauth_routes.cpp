#include "http/oauth_routes.hpp"

#include <spdlog/spdlog.h>

#include "apps/oauth_server.hpp"
#include "core/base64.hpp"
#include "core/json.hpp"
#include "core/strings.hpp"
#include "rest/decode.hpp"
#include "users/user_cache.hpp"
#include "users/webhook.hpp"

namespace imhub {
namespace {

constexpr std::string_view kAuthorizePath = "/oauth/authorize";
constexpr std::string_view kTokenPath = "/oauth/token";

HttpReply json_reply(int status, const Value& body, std::string label) {
  HttpReply r;
  r.status = status;
  r.body = to_json(body);
  r.label = std::move(label);
  // Token responses must not be cached by anything in between (RFC 6749 §5.1).
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Pragma", "no-cache");
  return r;
}

HttpReply error_reply(const OAuthError& e, std::string label) {
  return json_reply(e.status, Value::object({{"error", Value(e.error)}, {"error_description", Value(e.description)}}),
                    std::move(label));
}

std::string param(const Value& params, std::string_view name) {
  const Value* v = params.find(name);
  return v && v->is_scalar() ? v->to_string() : std::string();
}

Value read_params(Services& services, const HttpRequestView& request) {
  DecodeLimits limits{static_cast<size_t>(services.config.max_depth), static_cast<size_t>(services.config.max_keys),
                      static_cast<size_t>(services.config.max_key_bytes)};
  return decode_params(request.query, request.content_type, request.body, limits);
}

// The user behind `Authorization: Basic base64(user_id:webhook_secret)`, or 0.
int64_t basic_auth_user(Services& services, std::string_view authorization) {
  if (!starts_with_ci(authorization, "basic ")) return 0;
  std::optional<std::string> decoded = base64_decode(trim(authorization.substr(6)));
  if (!decoded) return 0;
  const size_t colon = decoded->find(':');
  if (colon == std::string::npos) return 0;
  const std::string login = decoded->substr(0, colon);
  const std::string secret = decoded->substr(colon + 1);
  if (login.empty() || login.size() > 18 || login.find_first_not_of("0123456789") != std::string::npos) return 0;
  const int64_t user_id = std::stoll(login);
  bool ok = services.store.read_with([&](Conn& c) { return verify_webhook(c, user_id, secret).has_value(); });
  if (!ok) return 0;
  auto user = services.users->find(user_id);
  return user && user->active ? user_id : 0;
}

HttpReply authorize(Services& services, const HttpRequestView& request) {
  const std::string label = "oauth.authorize";
  Value params = read_params(services, request);
  const std::string client_id = param(params, "client_id");
  if (client_id.empty()) return error_reply({"invalid_request", "client_id is required", 400}, label);
  const int64_t user_id = basic_auth_user(services, request.authorization);
  if (user_id == 0) {
    HttpReply r = error_reply(
        {"access_denied", "Sign in with your user id and the secret of one of your inbound webhooks (HTTP Basic)", 401},
        label);
    r.headers.emplace_back("WWW-Authenticate", "Basic realm=\"imhub\", charset=\"UTF-8\"");
    return r;
  }
  auto app = services.store.read_with([&](Conn& c) { return find_app_by_client_id(c, client_id); });
  // As on the platform, a failed authorization never redirects: the error is shown here.
  if (!app || !app->usable())
    return error_reply({"invalid_client", "The application is unknown or not installed", 400}, label);
  const std::string code = services.oauth->create_code(*app, user_id);
  const std::string domain = services.oauth->domain();
  const std::vector<std::pair<std::string, std::string>> back = {{"code", code},
                                                                 {"state", param(params, "state")},
                                                                 {"domain", domain},
                                                                 {"member_id", services.oauth->member_id()},
                                                                 {"scope", app->scope_string()},
                                                                 {"server_domain", domain}};
  if (app->redirect_uri.empty()) {
    Value body = Value::map();
    for (const auto& [k, v] : back) body[k] = v;
    return json_reply(200, body, label);
  }
  std::string location = app->redirect_uri;
  char sep = location.find('?') == std::string::npos ? '?' : '&';
  for (const auto& [k, v] : back) {
    location += sep + k + '=' + url_encode(v);
    sep = '&';
  }
  HttpReply r;
  r.status = 302;
  r.content_type = "text/plain; charset=utf-8";
  r.label = label;
  r.headers.emplace_back("Location", location);
  r.headers.emplace_back("Cache-Control", "no-store");
  return r;
}

HttpReply token(Services& services, const HttpRequestView& request) {
  const std::string label = "oauth.token";
  Value params = read_params(services, request);
  const std::string grant_type = param(params, "grant_type");
  OAuthServer::GrantResult result;
  if (grant_type == "authorization_code") {
    result = services.oauth->grant_authorization_code(param(params, "client_id"), param(params, "client_secret"),
                                                      param(params, "code"));
  } else if (grant_type == "refresh_token") {
    result = services.oauth->grant_refresh_token(param(params, "client_id"), param(params, "client_secret"),
                                                 param(params, "refresh_token"));
  } else {
    return error_reply(
        {"invalid_request",
         grant_type.empty() ? "grant_type is required" : "grant_type must be authorization_code or refresh_token", 400},
        label);
  }
  if (result.error) return error_reply(*result.error, label);
  return json_reply(200, result.response, label);
}

}  // namespace

bool is_oauth_route(std::string_view path) { return path == kAuthorizePath || path == kTokenPath; }

HttpReply handle_oauth(Services& services, const HttpRequestView& request) {
  try {
    if (request.verb != "GET" && request.verb != "POST") {
      HttpReply r = error_reply({"invalid_request", "Use GET or POST", 405}, "oauth");
      r.headers.emplace_back("Allow", "GET, POST");
      return r;
    }
    if (!services.oauth) return error_reply({"server_error", "OAuth is not available", 503}, "oauth");
    return request.path == kAuthorizePath ? authorize(services, request) : token(services, request);
  } catch (const ApiError& e) {  // parameter limits, invalid UTF-8
    return error_reply({"invalid_request", e.description(), 400}, "oauth");
  } catch (const std::exception& e) {
    spdlog::error("oauth {} failed: {}", request.path, e.what());
    return error_reply({"server_error", "Internal server error", 500}, "oauth");
  }
}

}  // namespace imhub
