#include "apps/oauth_server.hpp"

#include <algorithm>

#include "apps/event_chain.hpp"
#include "core/clock.hpp"
#include "core/crypto.hpp"
#include "core/strings.hpp"
#include "users/user_cache.hpp"

namespace imhub {
namespace {

constexpr size_t kCodeLength = 32;  // like the platform's codes: [a-z0-9]{32}
constexpr int kMaxEventTtl = 100;   // tokens refuse larger budgets (apps/token.cpp)

OAuthError invalid_request(std::string what) { return {"invalid_request", std::move(what), 400}; }
OAuthError invalid_client() {
  return {"invalid_client", "Invalid client credentials, or the application is not installed", 401};
}
OAuthError invalid_grant(std::string what) { return {"invalid_grant", std::move(what), 400}; }

}  // namespace

OAuthServer::OAuthServer(Store& store, UserCache& users, OAuthSite site, std::string_view master_key)
    : store_(store), users_(users), site_(std::move(site)), key_(token_key(master_key)) {}

std::shared_ptr<const App> OAuthServer::app(int64_t id) {
  const uint64_t epoch = store_.table_epoch("apps");  // before the load: see ThreadCache
  if (const auto* hit = apps_.find(id, epoch)) return *hit;
  auto found = store_.read_with([&](Conn& c) { return find_app(c, id); });
  std::shared_ptr<const App> out = found ? std::make_shared<const App>(std::move(*found)) : nullptr;
  apps_.put(id, out);
  return out;
}

std::string OAuthServer::rest_endpoint() const { return site_.public_url + "/rest/"; }
std::string OAuthServer::domain() const { return site_.domain; }
const std::string& OAuthServer::member_id() const { return site_.member_id; }

bool OAuthServer::user_active(int64_t user_id) const {
  auto user = users_.find(user_id);
  return user && user->active;
}

std::string OAuthServer::mint(const App& app, TokenKind kind, int64_t user_id, int event_ttl) const {
  TokenClaims c;
  c.kind = kind;
  c.app_id = app.id;
  c.user_id = user_id;
  c.generation = app.generation;
  c.expires = now_unix_seconds() + (kind == TokenKind::kAccess ? kAccessTokenSeconds : kRefreshTokenSeconds);
  c.event_ttl = kind == TokenKind::kAccess ? std::clamp(event_ttl, 0, kMaxEventTtl) : 0;
  c.nonce = random_hex(kind == TokenKind::kAccess ? 4 : 16);
  c.scope = app.scope_string();
  return sign_token(key_, c);
}

TokenCheck OAuthServer::check_access_token(const std::string& token) {
  const int64_t now = now_unix_seconds();
  const uint64_t epoch = store_.table_epoch("apps") + store_.table_epoch("users");
  if (const CachedCaller* hit = callers_.find(token, epoch)) {
    if (hit->expires <= now) return {nullptr, TokenRefusal::kExpired};
    return {hit->caller};
  }
  std::optional<TokenClaims> claims = verify_token(key_, token);
  if (!claims || claims->kind != TokenKind::kAccess) return {nullptr, TokenRefusal::kInvalid};
  if (claims->expires <= now) return {nullptr, TokenRefusal::kExpired};
  std::shared_ptr<const App> a = app(claims->app_id);
  if (!a || !a->usable()) return {nullptr, TokenRefusal::kApplicationGone};
  if (a->generation != claims->generation) return {nullptr, TokenRefusal::kInvalid};  // revoked by (re)install
  auto user = users_.find(claims->user_id);
  if (!user || !user->active) return {nullptr, TokenRefusal::kUserInactive};
  Caller k;
  k.kind = AuthKind::kOAuth;
  k.user_id = claims->user_id;
  k.is_admin = user->is_admin;
  k.app_id = a->id;
  k.client_id = a->client_id;
  for (auto& s : split(claims->scope, ','))
    if (!s.empty() && a->has_scope(s)) k.scopes.push_back(s);
  k.event_ttl = claims->event_ttl;
  CallerPtr caller = std::make_shared<const Caller>(std::move(k));
  callers_.put(token, CachedCaller{caller, claims->expires});
  return {caller};
}

std::string OAuthServer::create_code(const App& app, int64_t user_id) {
  const std::string code = random_token(kCodeLength);
  const int64_t now = now_unix_seconds();
  store_.write([&](Conn& w) {
    w.exec("DELETE FROM oauth_codes WHERE expires_at < $1", {now});
    w.exec("INSERT INTO oauth_codes (code_hash, app_id, user_id, generation, expires_at) VALUES ($1, $2, $3, $4, $5)",
           {sha256_hex(code), app.id, user_id, app.generation, now + kAuthCodeSeconds});
  });
  return code;
}

OAuthServer::GrantResult OAuthServer::grant_authorization_code(std::string_view client_id,
                                                               std::string_view client_secret, std::string_view code) {
  if (client_id.empty() || client_secret.empty())
    return {{}, invalid_request("client_id and client_secret are required")};
  if (code.empty()) return {{}, invalid_request("code is required")};
  const int64_t now = now_unix_seconds();
  std::optional<OAuthError> error;
  std::optional<App> app;
  int64_t user_id = 0;
  store_.write([&](Conn& w) {
    app = find_app_by_client_id(w, client_id);
    if (!app || !client_secret_matches(*app, client_secret) || !app->usable()) {
      error = invalid_client();
      return;
    }
    const std::string hash = sha256_hex(code);
    auto row =
        w.query_one("SELECT app_id, user_id, generation, expires_at FROM oauth_codes WHERE code_hash = $1", {hash});
    if (row) w.exec("DELETE FROM oauth_codes WHERE code_hash = $1", {hash});  // one use, even when refused below
    if (!row || row->i64(0) != app->id || row->i64(2) != app->generation || row->i64(3) < now) {
      error = invalid_grant("The authorization code is invalid, expired or already used");
      return;
    }
    user_id = row->i64(1);
  });
  if (error) return {{}, error};
  if (!user_active(user_id)) return {{}, invalid_grant("The user is not active")};
  return {tokens_for(*app, user_id, true, 0, false), std::nullopt};
}

OAuthServer::GrantResult OAuthServer::grant_refresh_token(std::string_view client_id, std::string_view client_secret,
                                                          std::string_view refresh_token) {
  if (client_id.empty() || client_secret.empty())
    return {{}, invalid_request("client_id and client_secret are required")};
  if (refresh_token.empty()) return {{}, invalid_request("refresh_token is required")};
  const int64_t now = now_unix_seconds();
  std::optional<TokenClaims> claims = verify_token(key_, refresh_token);
  // Checked before the write so a refresh token of an inactive user is not spent for nothing.
  const bool user_ok = claims && user_active(claims->user_id);
  std::optional<OAuthError> error;
  std::optional<App> app;
  store_.write([&](Conn& w) {
    app = find_app_by_client_id(w, client_id);
    if (!app || !client_secret_matches(*app, client_secret) || !app->usable()) {
      error = invalid_client();
      return;
    }
    if (!claims || claims->kind != TokenKind::kRefresh || claims->app_id != app->id) {
      error = invalid_grant("The refresh token is invalid");
    } else if (claims->expires <= now) {
      error = invalid_grant("The refresh token has expired");
    } else if (claims->generation != app->generation) {
      error = invalid_grant("The refresh token was revoked");
    } else if (!user_ok) {
      error = invalid_grant("The user is not active");
    }
    if (error) return;
    // Rotation: each refresh token is accepted once. Spent ids are kept until the token would
    // have expired anyway; a few expired ones are dropped on every use.
    w.exec(
        "DELETE FROM oauth_spent_refresh_tokens WHERE nonce IN (SELECT nonce FROM oauth_spent_refresh_tokens WHERE "
        "expires_at < $1 LIMIT 100)",
        {now});
    int64_t added = w.exec(
        "INSERT INTO oauth_spent_refresh_tokens (nonce, app_id, expires_at) VALUES ($1, $2, $3) "
        "ON CONFLICT (nonce) DO NOTHING",
        {claims->nonce, app->id, claims->expires});
    if (added == 0) error = invalid_grant("The refresh token was already used");
  });
  if (error) return {{}, error};
  return {tokens_for(*app, claims->user_id, true, 0, false), std::nullopt};
}

Value OAuthServer::no_user_map(const App& app) const {
  return Value::object({{"domain", Value(domain())},
                        {"client_endpoint", Value(rest_endpoint())},
                        {"server_endpoint", Value(rest_endpoint())},
                        {"member_id", Value(member_id())},
                        {"application_token", Value(app.application_token)}});
}

Value OAuthServer::tokens_for(const App& app, int64_t user_id, bool with_refresh, int event_ttl, bool for_event) {
  Value v = Value::map();
  v["access_token"] = mint(app, TokenKind::kAccess, user_id, event_ttl);
  v["expires"] = now_unix_seconds() + kAccessTokenSeconds;
  v["expires_in"] = kAccessTokenSeconds;
  v["scope"] = app.scope_string();
  v["domain"] = domain();
  v["server_endpoint"] = rest_endpoint();
  v["status"] = "L";  // a local application (app.info STATUS)
  v["client_endpoint"] = rest_endpoint();
  v["member_id"] = member_id();
  v["user_id"] = user_id;
  if (for_event) v["application_token"] = app.application_token;
  if (with_refresh) v["refresh_token"] = mint(app, TokenKind::kRefresh, user_id, 0);
  return v;
}

Value OAuthServer::token_map(int64_t app_id, int64_t user_id, bool with_refresh) {
  std::shared_ptr<const App> a = app(app_id);
  if (!a) return no_user_map(App{});
  // No tokens for an application that can no longer use them (ONAPPUNINSTALL) or for a user
  // who cannot sign in: the no-user form.
  if (user_id <= 0 || !a->usable() || !user_active(user_id)) return no_user_map(*a);
  return tokens_for(*a, user_id, with_refresh, 0, true);
}

Value OAuthServer::event_token_map(int64_t app_id, int64_t user_id, bool with_refresh, int event_ttl) {
  std::shared_ptr<const App> a = app(app_id);
  if (!a) return no_user_map(App{});
  if (user_id <= 0 || !a->usable() || !user_active(user_id)) return no_user_map(*a);
  // At least 1, so a token is never mistaken for one outside any chain (event_chain.hpp).
  return tokens_for(*a, user_id, with_refresh, std::max(event_ttl, 1), true);
}

std::string OAuthServer::application_token(int64_t app_id) {
  std::shared_ptr<const App> a = app(app_id);
  return a ? a->application_token : std::string();
}

}  // namespace imhub
