#include "rest/dispatcher.hpp"

#include "core/error_catalog.hpp"
#include "im/presence.hpp"

#include <spdlog/spdlog.h>

#include <cmath>

#include "core/clock.hpp"
#include "core/strings.hpp"
#include "ops/metrics.hpp"
#include "rest/decode.hpp"
#include "rest/session_cookie.hpp"
#include "rest/storage_error.hpp"

namespace imhub {
namespace {

// Takes the platform's reserved parameters out of `params` (protocol.md §1.4).
struct Reserved {
  Credentials creds;
  int64_t start = 0;
  bool link_token = false;
};

std::optional<std::string> take_string(Value& params, std::string_view key) {
  if (!params.is_map()) return std::nullopt;
  Value* v = params.get_map().find(key);
  if (!v) return std::nullopt;
  std::optional<std::string> out;
  if (v->is_scalar()) out = v->to_string();
  params.get_map().erase(key);
  return out;
}

Reserved take_reserved(Value& params, const RestTarget& target, const HttpRequestView& request) {
  const std::string_view authorization = request.authorization;
  Reserved r;
  auto aplogin = take_string(params, "aplogin");
  auto ap = take_string(params, "ap");
  r.creds.webhook_user = target.webhook_user ? target.webhook_user : aplogin;
  r.creds.webhook_secret = target.webhook_secret ? target.webhook_secret : ap;
  if (starts_with_ci(authorization, "bearer ")) {
    std::string t(trim(authorization.substr(7)));
    if (!t.empty()) r.creds.token = t;
  }
  auto auth = take_string(params, "auth");
  auto access_token = take_string(params, "access_token");
  if (!r.creds.token) r.creds.token = auth ? auth : access_token;
  if (r.creds.token && r.creds.token->empty()) r.creds.token.reset();
  if (auto start = take_string(params, "start")) r.start = Value(*start).to_int_or(0);
  take_string(params, "state");
  r.creds.auth_connector = take_string(params, "auth_connector");
  r.creds.livechat = take_string(params, "livechat_auth_id");
  r.creds.remote = request.remote;
  // Session auth: the cookie, and the CSRF token a page sends with it (parameter or header).
  r.creds.csrf = take_string(params, "sessid");
  if (!request.csrf_header.empty()) r.creds.csrf = std::string(request.csrf_header);
  if (!r.creds.webhook_secret && !r.creds.token) r.creds.session = cookie_value(request.cookie, kSessionCookie);
  if (params.is_map()) {
    Map& m = params.get_map();
    for (size_t i = m.size(); i-- > 0;)
      if (starts_with_ci(m.key_at(i), "bx24_")) m.erase(std::string(m.key_at(i)));
    r.link_token = m.find("token") != nullptr;
  }
  return r;
}

}  // namespace

Dispatcher::Dispatcher(Services& services, const Auth& auth)
    : services_(services),
      auth_(auth),
      bucket_(services.config.rate_limit_rate, services.config.rate_limit_burst),
      operating_(services.config.operating_limit_record_threshold),
      livechat_(services.config) {
  std::vector<std::string> names;
  for (const Method& m : services.registry.all()) names.push_back(m.name);
  services.metrics.name_methods(std::move(names));
}

void Dispatcher::prepare(HttpRequestView& request) const {
  request.rest = parse_rest_path(request.path);
  request.method = request.rest ? services_.registry.find(request.rest->method) : nullptr;
}

bool Dispatcher::is_blocking(const HttpRequestView& request) {
  return request.method && request.method->effect == Effect::kWrite;
}

HttpReply Dispatcher::reply_error(const ApiError& e, Transport transport, std::string label) const {
  HttpReply r;
  r.status = e.status();
  r.content_type = content_type_for(transport);
  r.body = render(error_body(e), transport);
  r.label = std::move(label);
  r.error = e.code();
  if (e.code() == errors::kQueryLimitExceeded.code && e.extra().find("retry_after")) {
    r.headers.emplace_back("Retry-After", e.extra()["retry_after"].to_string());
  }
  return r;
}

HttpReply Dispatcher::handle(const HttpRequestView& request) {
  const std::optional<RestTarget>& target = request.rest;
  if (!target) return reply_error(ApiError(errors::kMethodNotFound), Transport::kJson, "unknown");
  const Method* method = request.method;
  if (!method) return reply_error(ApiError(errors::kMethodNotFound), target->transport, "unknown");
  // Counted per method with its error code; unknown methods only as HTTP 404s (no label to give).
  const double t0 = now_unix();
  HttpReply reply = handle_method(request, *method);
  services_.metrics.observe_call(static_cast<size_t>(method - services_.registry.all().data()), reply.error,
                                 now_unix() - t0);
  return reply;
}

HttpReply Dispatcher::handle_method(const HttpRequestView& request, const Method& m) {
  bool livechat = false;
  HttpReply reply = run_method(request, m, livechat);
  // The live chat's requests come from any website with the visitor's cookie: the reply names
  // that origin and allows credentials (protocol-openlines.md §8.2), never "*".
  if (livechat && !request.origin.empty()) {
    reply.headers.emplace_back("Access-Control-Allow-Origin", std::string(request.origin));
    reply.headers.emplace_back("Access-Control-Allow-Credentials", "true");
    reply.headers.emplace_back("Vary", "Origin");
  }
  return reply;
}

HttpReply Dispatcher::run_method(const HttpRequestView& request, const Method& m, bool& livechat) {
  const std::optional<RestTarget>& target = request.rest;
  const Method* method = &m;
  const std::string_view query = request.query;

  try {
    DecodeLimits limits{static_cast<size_t>(services_.config.max_depth), static_cast<size_t>(services_.config.max_keys),
                        static_cast<size_t>(services_.config.max_key_bytes)};
    Value params = decode_params(query, request.content_type, request.body, limits);
    Reserved reserved = take_reserved(params, *target, request);
    livechat = reserved.creds.livechat.has_value();
    if (reserved.link_token) throw ApiError(errors::kLinkCheckFailed);
    CallerPtr caller_ptr = auth_.authenticate(reserved.creds, services_);
    const Caller& caller = *caller_ptr;
    if (services_.config.rate_limit_enabled) {
      if (auto wait = bucket_.admit(caller.credential_key(), now_unix())) {
        ApiError e(errors::kQueryLimitExceeded);
        e.with("retry_after", static_cast<int64_t>(std::ceil(*wait)));
        HttpReply r = reply_error(e, target->transport, method->name);
        r.body = render(error_body(ApiError(errors::kQueryLimitExceeded)), target->transport);
        return r;
      }
    }
    CallOutcome out = invoke(caller, *method, params, reserved.start, false);
    if (out.error) {
      HttpReply r = reply_error(*out.error, target->transport, method->name);
      r.credential = caller.credential_key();
      return r;
    }
    HttpReply r;
    r.content_type = content_type_for(target->transport);
    r.body = render_success(out.value.result, out.value.next, out.value.total, out.timing, target->transport,
                            out.value.raw_result);
    r.label = method->name;
    r.credential = caller.credential_key();
    return r;
  } catch (const ApiError& e) {
    return reply_error(e, target->transport, method->name);
  } catch (const StoreError& e) {
    spdlog::error("request {} failed: {}", method->name, e.what());
    return reply_error(storage_error(e).value_or(ApiError(errors::kInternal)), target->transport, method->name);
  } catch (const std::exception& e) {
    spdlog::error("request {} failed: {}", method->name, e.what());
    return reply_error(ApiError(errors::kInternal), target->transport, method->name);
  }
}

std::optional<HttpReply> Dispatcher::authenticate_head(const HttpRequestView& request) {
  if (!request.rest) return reply_error(ApiError(errors::kMethodNotFound), Transport::kJson, "unknown");
  const Transport transport = request.rest->transport;
  if (!request.method) return reply_error(ApiError(errors::kMethodNotFound), transport, "unknown");
  try {
    DecodeLimits limits{static_cast<size_t>(services_.config.max_depth), static_cast<size_t>(services_.config.max_keys),
                        static_cast<size_t>(services_.config.max_key_bytes)};
    Value params = Value::map();
    size_t keys = 0;
    parse_query_into(request.query, params, limits, keys);
    Reserved reserved = take_reserved(params, *request.rest, request);
    auth_.authenticate(reserved.creds, services_);
    return std::nullopt;
  } catch (const ApiError& e) {
    return reply_error(e, transport, request.method->name);
  } catch (const std::exception& e) {
    spdlog::error("request {}: checking credentials failed: {}", request.method->name, e.what());
    return reply_error(ApiError(errors::kInternal), transport, request.method->name);
  }
}

CallOutcome Dispatcher::invoke(const Caller& caller, const Method& method, const Value& params, int64_t start,
                               bool in_batch) {
  CallOutcome out;
  out.timing.start = now_unix();
  // The budget key is built only when the budget is in play: most calls are too short to count.
  std::string op_key;
  auto key = [&]() -> const std::string& {
    if (op_key.empty()) op_key = caller.credential_key() + "|" + method.name;
    return op_key;
  };
  const int64_t now_s = static_cast<int64_t>(out.timing.start);
  double handler_start = 0;
  try {
    if (caller.kind == AuthKind::kLivechat) livechat_.check(caller, method, params, services_);
    if (!method.available_to(caller)) {
      throw ApiError(in_batch                            ? errors::kInsufficientScopeBatch
                     : caller.kind == AuthKind::kWebhook ? errors::kInsufficientScopeWebhook
                                                         : errors::kInsufficientScopeToken);
    }
    if (services_.config.operating_limit_enabled && method.name != "batch" && operating_.any_recorded() &&
        operating_.state(key(), now_s).operating > services_.config.operating_limit_seconds)
      throw ApiError(errors::kOperationTimeLimit);
    // Presence (im.user.* last_activity_date, user.get IS_ONLINE): throttled to a write a minute.
    note_user_activity(services_.store, caller.user_id);
    MethodCall call{caller, params, start, services_};
    handler_start = now_unix();
    out.value = method.handler(call);
  } catch (const ApiError& e) {
    out.error = e;
  } catch (const StoreError& e) {
    spdlog::error("method {} failed: {}", method.name, e.what());
    out.error = storage_error(e).value_or(ApiError(errors::kInternal));
  } catch (const std::exception& e) {
    spdlog::error("method {} failed: {}", method.name, e.what());
    out.error = ApiError(errors::kInternal);
  }
  out.timing.finish = now_unix();
  // Failed calls cost time too and count against the budget.
  if (handler_start > 0) out.timing.processing = out.timing.finish - handler_start;
  if (method.name != "batch" && operating_.counts(out.timing.processing))
    operating_.record(key(), out.timing.processing, now_s);
  if (operating_.any_recorded()) {
    OperatingClock::State st = operating_.state(key(), now_s);
    out.timing.operating = st.operating;
    out.timing.operating_reset_at = st.reset_at;
  } else {
    out.timing.operating_reset_at = now_s + OperatingClock::kLifetime;  // what state() says when empty
  }
  return out;
}

std::string Services::domain() const {
  std::string url = config.public_url;
  auto scheme = url.find("://");
  if (scheme != std::string::npos) url = url.substr(scheme + 3);
  auto slash = url.find('/');
  return slash == std::string::npos ? url : url.substr(0, slash);
}

}  // namespace imhub
