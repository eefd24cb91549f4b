#include "http/auth_routes.hpp"

#include <spdlog/spdlog.h>

#include "core/clock.hpp"
#include "core/error_catalog.hpp"
#include "core/json.hpp"
#include "core/password_hash.hpp"
#include "core/strings.hpp"
#include "http/origin_check.hpp"
#include "rest/decode.hpp"
#include "rest/envelope.hpp"
#include "rest/session_cookie.hpp"
#include "users/password.hpp"
#include "users/session.hpp"
#include "users/user_cache.hpp"

namespace imhub {
namespace {

constexpr std::string_view kLoginPage = "/login";
constexpr std::string_view kLoginPath = "/auth/login";
constexpr std::string_view kLogoutPath = "/auth/logout";
constexpr std::string_view kSessionPath = "/auth/session";

// --- Replies ---------------------------------------------------------------------------------

// Nothing about a session may be cached by anything between the browser and imhub.
void no_store(HttpReply& r) {
  r.headers.emplace_back("Cache-Control", "no-store");
  r.headers.emplace_back("Pragma", "no-cache");
}

HttpReply json_reply(int status, const Value& body, std::string label) {
  HttpReply r;
  r.status = status;
  r.body = to_json(body);
  r.label = std::move(label);
  no_store(r);
  return r;
}

HttpReply json_error(const ErrorSpec& e, std::string label) {
  HttpReply r =
      json_reply(e.status, Value::object({{"error", Value(e.code)}, {"error_description", Value(e.description)}}),
                 std::move(label));
  r.error = std::string(e.code);
  return r;
}

// SameSite=Lax, not Strict: links into imhub from mail or other sites (the Bitrix24 deep links
// of notifications) must open signed in, and every state-changing call needs the CSRF token
// besides the cookie, which a foreign page cannot read. Secure whenever the browser reached
// imhub over https: the request came over the TLS listener, or imhub serves no TLS itself and its
// public URL is https (a proxy in front terminates it). A plain-http request to a server that
// also listens on https gets no Secure cookie: the browser would refuse it.
bool browser_on_https(const Config& config, const HttpRequestView& request) {
  if (request.https) return true;
  const bool serves_tls = config.tls_enabled || !config.tls_listen.empty();
  return !serves_tls && starts_with_ci(config.public_url, "https://");
}

std::string cookie_header(const Services& services, const HttpRequestView& request, std::string_view token,
                          int64_t max_age) {
  std::string c = std::string(kSessionCookie) + "=" + std::string(token) +
                  "; Path=/; Max-Age=" + std::to_string(max_age) + "; HttpOnly; SameSite=Lax";
  if (browser_on_https(services.config, request)) c += "; Secure";
  return c;
}

void set_cookie(HttpReply& r, const Services& services, const HttpRequestView& request, std::string_view token) {
  r.headers.emplace_back("Set-Cookie", cookie_header(services, request, token, services.config.auth_session_lifetime));
}
void clear_cookie(HttpReply& r, const Services& services, const HttpRequestView& request) {
  r.headers.emplace_back("Set-Cookie", cookie_header(services, request, "", 0));
}

Value user_json(Services& services, int64_t user_id) {
  auto u = services.users->find(user_id);
  if (!u) return Value::object({{"id", Value(user_id)}});
  return Value::object({{"id", Value(u->id)},
                        {"name", Value(u->name)},
                        {"last_name", Value(u->last_name)},
                        {"email", Value(u->email)},
                        {"is_admin", Value(u->is_admin)}});
}

Value session_json(Services& services, int64_t user_id, const std::string& csrf) {
  return Value::object({{"sessid", Value(csrf)}, {"user", user_json(services, user_id)}});
}

// --- Requests --------------------------------------------------------------------------------

Value read_params(Services& services, const HttpRequestView& request) {
  DecodeLimits limits{static_cast<size_t>(services.config.max_depth), static_cast<size_t>(services.config.max_keys),
                      static_cast<size_t>(services.config.max_key_bytes)};
  return decode_params(request.query, request.content_type, request.body, limits);
}

std::string param(const Value& params, std::string_view name) {
  const Value* v = params.find(name);
  return v && v->is_scalar() ? v->to_string() : std::string();
}

bool is_form(const HttpRequestView& request) {
  return starts_with_ci(request.content_type, "application/x-www-form-urlencoded") ||
         starts_with_ci(request.content_type, "multipart/form-data");
}

// Sign-in posts from another site's page would sign the browser into an account the attacker
// chose (login CSRF): a browser always sends Origin on a cross-site POST, so a foreign one is
// refused. Requests without Origin come from scripts, not pages.
bool foreign_origin(const Services& services, const HttpRequestView& request) {
  return !request.origin.empty() && !own_origin(services.config, request.origin);
}

// The cookie's session, when it is live.
std::optional<SessionRow> current_session(Services& services, const HttpRequestView& request) {
  auto token = cookie_value(request.cookie, kSessionCookie);
  if (!token) return std::nullopt;
  auto s = services.store.read_with([&](Conn& c) { return find_session(c, *token); });
  if (!s || !session_live(*s, session_policy(services.config), now_unix_seconds())) return std::nullopt;
  return s;
}

// --- Signing in ------------------------------------------------------------------------------

struct SignIn {
  const ErrorSpec* error = nullptr;  // null on success
  int64_t retry_after = 0;           // with kLoginThrottled
  int64_t user_id = 0;
  NewSession session;
};

// Checks the password (always one Argon2id verification, whether the user exists or not), counts
// failures, and opens the session. The password never leaves this function, not even in a log.
SignIn sign_in(Services& services, LoginThrottle& throttle, const HttpRequestView& request, std::string_view login,
               std::string_view password) {
  SignIn out;
  login = trim(login);
  if (login.empty() || password.empty()) {
    out.error = &errors::kLoginRequired;
    return out;
  }
  auto user = services.store.read_with([&](Conn& c) { return find_sign_in_user(c, login); });
  const std::string user_key = user ? "id:" + std::to_string(user->id) : "login:" + to_lower(login);
  const int64_t now = now_unix_seconds();
  if (int64_t wait = throttle.retry_after(user_key, request.remote, now); wait > 0) {
    out.error = &errors::kLoginThrottled;
    out.retry_after = wait;
    spdlog::warn("sign-in refused: too many failures for {} or from {}", user ? user_key : "an unknown login",
                 request.remote);
    return out;
  }
  if (!verify_password(user ? user->password_hash : std::string(), password) || !user) {
    throttle.record_failure(user_key, request.remote, now);
    out.error = &errors::kLoginFailed;
    spdlog::info("sign-in failed from {}", request.remote);
    return out;
  }
  throttle.record_success(user_key);
  const SessionPolicy policy = session_policy(services.config);
  out.user_id = user->id;
  out.session = services.store.write_with([&](Conn& c) { return open_session(c, user->id, policy, now); });
  spdlog::info("sign-in: user {} from {}", user->id, request.remote);
  return out;
}

// --- The HTML page ---------------------------------------------------------------------------

std::string html_escape(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    switch (ch) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += ch;
    }
  }
  return out;
}

HttpReply html_reply(int status, std::string_view title, std::string_view main) {
  HttpReply r;
  r.status = status;
  r.content_type = "text/html; charset=utf-8";
  r.label = "login";
  r.body = std::string(
               "<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
               "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>") +
           std::string(title) +
           " · imhub</title>\n<style>\n"
           ":root{color-scheme:light dark;font-family:system-ui,sans-serif}\n"
           "main{max-width:22rem;margin:4rem auto;padding:0 1rem}\n"
           "label{display:block;margin-top:1rem;font-weight:600}\n"
           "input,button{font:inherit;width:100%;box-sizing:border-box;padding:.5rem;margin-top:.25rem}\n"
           "button{margin-top:1.5rem;cursor:pointer}\n"
           ":focus-visible{outline:3px solid #2fc6f6;outline-offset:2px}\n"
           "[role=alert]{color:#c0392b;font-weight:600}\n"
           "</style>\n</head>\n<body>\n<main>\n" +
           std::string(main) + "</main>\n</body>\n</html>\n";
  no_store(r);
  // The page runs no script and is never framed (clickjacking of the form).
  r.headers.emplace_back("Content-Security-Policy",
                         "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'");
  r.headers.emplace_back("X-Frame-Options", "DENY");
  r.headers.emplace_back("Referrer-Policy", "no-referrer");
  return r;
}

HttpReply login_form(int status, std::string_view login, std::string_view error) {
  std::string main = "<h1>Sign in to imhub</h1>\n";
  const bool failed = !error.empty();
  if (failed) main += "<p id=\"error\" role=\"alert\">" + html_escape(error) + "</p>\n";
  const std::string invalid = failed ? " aria-invalid=\"true\" aria-describedby=\"error\"" : "";
  // Focus goes where the person types next: the login, or the password after a failure.
  const bool focus_password = failed && !login.empty();
  main +=
      "<form method=\"post\" action=\"/login\">\n"
      "<label for=\"login\">E-mail or user ID</label>\n"
      "<input id=\"login\" name=\"login\" autocomplete=\"username\" required value=\"" +
      html_escape(login) + "\"" + invalid + (focus_password ? "" : " autofocus") +
      ">\n"
      "<label for=\"password\">Password</label>\n"
      "<input id=\"password\" name=\"password\" type=\"password\" autocomplete=\"current-password\" required" +
      invalid + (focus_password ? " autofocus" : "") +
      ">\n"
      "<button type=\"submit\">Sign in</button>\n"
      "</form>\n";
  return html_reply(status, "Sign in", main);
}

HttpReply signed_in_page(Services& services, const SessionRow& s) {
  auto u = services.users->find(s.user_id);
  const std::string who = u ? u->full_name() : "user " + std::to_string(s.user_id);
  std::string main = "<h1>Signed in</h1>\n<p>You are signed in as <strong>" + html_escape(who) + "</strong> (user " +
                     std::to_string(s.user_id) +
                     ").</p>\n"
                     "<form method=\"post\" action=\"/auth/logout\">\n"
                     "<input type=\"hidden\" name=\"sessid\" value=\"" +
                     html_escape(s.csrf) +
                     "\">\n"
                     "<button type=\"submit\" autofocus>Sign out</button>\n"
                     "</form>\n";
  return html_reply(200, "Signed in", main);
}

HttpReply redirect(std::string_view location, std::string label) {
  HttpReply r;
  r.status = 303;
  r.content_type = "text/plain; charset=utf-8";
  r.headers.emplace_back("Location", std::string(location));
  r.label = std::move(label);
  no_store(r);
  return r;
}

// --- Endpoints -------------------------------------------------------------------------------

HttpReply post_login_json(Services& services, LoginThrottle& throttle, const HttpRequestView& request) {
  if (foreign_origin(services, request)) return json_error(errors::kCrossOrigin, "auth.login");
  const Value params = read_params(services, request);
  SignIn r = sign_in(services, throttle, request, param(params, "login"), param(params, "password"));
  if (r.error) {
    HttpReply reply = json_error(*r.error, "auth.login");
    if (r.retry_after > 0) reply.headers.emplace_back("Retry-After", std::to_string(r.retry_after));
    return reply;
  }
  HttpReply reply = json_reply(200, session_json(services, r.user_id, r.session.csrf), "auth.login");
  set_cookie(reply, services, request, r.session.token);
  return reply;
}

HttpReply login_page(Services& services, LoginThrottle& throttle, const HttpRequestView& request) {
  if (request.verb != "POST") {
    if (auto s = current_session(services, request)) return signed_in_page(services, *s);
    return login_form(200, "", "");
  }
  if (foreign_origin(services, request)) {
    HttpReply r = login_form(403, "", errors::kCrossOrigin.description);
    r.error = std::string(errors::kCrossOrigin.code);
    return r;
  }
  const Value params = read_params(services, request);
  const std::string login = param(params, "login");
  SignIn r = sign_in(services, throttle, request, login, param(params, "password"));
  if (r.error) {
    HttpReply reply = login_form(r.error->status, login, r.error->description);
    reply.error = std::string(r.error->code);
    if (r.retry_after > 0) reply.headers.emplace_back("Retry-After", std::to_string(r.retry_after));
    return reply;
  }
  HttpReply reply = redirect(kLoginPage, "login");
  set_cookie(reply, services, request, r.session.token);
  return reply;
}

// Sign-out is state-changing like any call: it needs the CSRF token too (a foreign page must not
// sign people out). Without a live session there is nothing to end; the cookie is cleared anyway.
HttpReply logout(Services& services, const HttpRequestView& request) {
  auto s = current_session(services, request);
  HttpReply reply;
  if (s) {
    const Value params = read_params(services, request);
    std::string csrf = request.csrf_header.empty() ? param(params, "sessid") : std::string(request.csrf_header);
    if (!csrf_matches(*s, csrf)) return json_error(errors::kSessidCheckFailed, "auth.logout");
    auto token = cookie_value(request.cookie, kSessionCookie);
    services.store.write([&](Conn& c) { close_session(c, *token); });
    spdlog::info("sign-out: user {}", s->user_id);
  }
  reply = is_form(request) ? redirect(kLoginPage, "auth.logout")
                           : json_reply(200, Value::object({{"result", Value(s.has_value())}}), "auth.logout");
  clear_cookie(reply, services, request);
  return reply;
}

HttpReply session_info(Services& services, const HttpRequestView& request) {
  auto s = current_session(services, request);
  if (!s) return json_error(errors::kSessionNotAuthorized, "auth.session");
  return json_reply(200, session_json(services, s->user_id, s->csrf), "auth.session");
}

}  // namespace

bool is_auth_route(std::string_view path) {
  return path == kLoginPage || path == kLoginPath || path == kLogoutPath || path == kSessionPath;
}

LoginLimits login_limits(const Config& config) {
  return LoginLimits{config.auth_login_failures_per_user, config.auth_login_failures_per_address,
                     config.auth_login_window};
}

HttpReply handle_auth(Services& services, LoginThrottle& throttle, const HttpRequestView& request) {
  const std::string& p = request.path;
  const bool post = request.verb == "POST";
  try {
    if (p == kLoginPage) return login_page(services, throttle, request);
    if (p == kSessionPath) return session_info(services, request);
    if (!post) {
      HttpReply r = json_error(errors::kVerbNotAllowed, "auth");
      r.headers.emplace_back("Allow", "POST");
      return r;
    }
    if (p == kLoginPath) return post_login_json(services, throttle, request);
    return logout(services, request);
  } catch (const ApiError& e) {
    HttpReply r = json_reply(e.status(), error_body(e), "auth");
    r.error = e.code();
    return r;
  } catch (const std::exception& e) {
    spdlog::error("{} failed: {}", p, e.what());
    return json_error(errors::kInternal, "auth");
  }
}

}  // namespace imhub
