// Application tokens (src/apps/token.*, oauth_server.*): signing and verification, tampering,
// expiry, revocation by uninstall / reinstall, refresh rotation, the event `auth` maps and the
// hop budget they carry.
#include <gtest/gtest.h>

#include <filesystem>

#include "api/registry.hpp"
#include "api/services.hpp"
#include "app.hpp"
#include "apps/event_chain.hpp"
#include "apps/handler_url.hpp"
#include "apps/lifecycle.hpp"
#include "apps/oauth_server.hpp"
#include "apps/token.hpp"
#include "core/clock.hpp"
#include "core/error.hpp"
#include "ops/metrics.hpp"
#include "rest/auth.hpp"
#include "users/portal.hpp"
#include "users/user_cache.hpp"

namespace imhub {
namespace {

const std::string kKey = token_key(std::string(64, 'a'));

TokenClaims sample() {
  TokenClaims c;
  c.kind = TokenKind::kAccess;
  c.app_id = 3;
  c.user_id = 7;
  c.generation = 2;
  c.expires = 1900000000;
  c.event_ttl = 5;
  c.nonce = "0a1b2c3d";
  c.scope = "im,imbot";
  return c;
}

TEST(AppToken, RoundTrip) {
  const std::string t = sign_token(kKey, sample());
  auto c = verify_token(kKey, t);
  ASSERT_TRUE(c);
  EXPECT_EQ(c->kind, TokenKind::kAccess);
  EXPECT_EQ(c->app_id, 3);
  EXPECT_EQ(c->user_id, 7);
  EXPECT_EQ(c->generation, 2);
  EXPECT_EQ(c->expires, 1900000000);
  EXPECT_EQ(c->event_ttl, 5);
  EXPECT_EQ(c->nonce, "0a1b2c3d");
  EXPECT_EQ(c->scope, "im,imbot");
  // URL- and form-safe: nothing to escape in a query string or a JSON body.
  EXPECT_EQ(t.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."),
            std::string::npos);
  TokenClaims r = sample();
  r.kind = TokenKind::kRefresh;
  EXPECT_EQ(verify_token(kKey, sign_token(kKey, r))->kind, TokenKind::kRefresh);
}

TEST(AppToken, AnyChangedCharacterIsRefused) {
  const std::string t = sign_token(kKey, sample());
  for (size_t i = 0; i < t.size(); ++i) {
    if (t[i] == '.') continue;
    std::string bad = t;
    bad[i] = bad[i] == 'A' ? 'B' : 'A';
    EXPECT_FALSE(verify_token(kKey, bad)) << "position " << i;
  }
}

TEST(AppToken, OtherKeysAndMalformedInputAreRefused) {
  const std::string t = sign_token(kKey, sample());
  EXPECT_FALSE(verify_token(token_key(std::string(64, 'b')), t));
  const std::string other = sign_token(kKey, [] {
    TokenClaims c = sample();
    c.user_id = 1;
    return c;
  }());
  const std::string spliced = t.substr(0, t.find('.')) + other.substr(other.find('.'));
  EXPECT_FALSE(verify_token(kKey, spliced));
  for (std::string junk : {"", ".", "abc", "abc.", ".abc", "a.b.c", "!!!.???", "YQ.YQ"})
    EXPECT_FALSE(verify_token(kKey, junk)) << junk;
  EXPECT_FALSE(verify_token(kKey, std::string(5000, 'A') + "." + std::string(43, 'A')));
}

TEST(HandlerUrl, RulesOfEventBind) {
  EXPECT_EQ(check_handler_url("https://example.com/h.php?x=1", true), UrlCheck::kOk);
  EXPECT_EQ(check_handler_url("http://127.0.0.1:8080/h", true), UrlCheck::kOk);
  EXPECT_EQ(check_handler_url("HTTP://Example.COM", true), UrlCheck::kOk);
  EXPECT_EQ(check_handler_url("http://[::1]:80/h", true), UrlCheck::kOk);
  EXPECT_EQ(check_handler_url("ftp://example.com/", true), UrlCheck::kUnsupportedProtocol);
  EXPECT_EQ(check_handler_url("example.com/h", true), UrlCheck::kUnsupportedProtocol);
  EXPECT_EQ(check_handler_url("http://localhost/h", true), UrlCheck::kWrongUrl);
  EXPECT_EQ(check_handler_url("http://localhost/h", false), UrlCheck::kOk);
  EXPECT_EQ(check_handler_url("http:///h", false), UrlCheck::kWrongUrl);
  EXPECT_EQ(check_handler_url("http://exa mple.com/", false), UrlCheck::kWrongUrl);
  EXPECT_EQ(check_handler_url("http://example.com:99999999/", false), UrlCheck::kWrongUrl);
  EXPECT_EQ(check_handler_url("http://user@example.com/", true), UrlCheck::kOk);
}

// A store with the portal, user 1 and one installed application, and the OAuthServer over it.
class OAuthServerTest : public ::testing::Test {
 protected:
  OAuthServerTest()
      : dir_(std::filesystem::temp_directory_path() / ("imhub-oauth-unit-" + std::to_string(::getpid()))),
        store_(open_store(dir_.string(), Config{})),
        key_(std::string(64, 'c')),
        users_(*store_),
        services_{*store_, config_, registry_, metrics_, dir_.string(), key_, {}, nullptr, &users_} {
    init_portal(*store_, key_);
    services_.portal = store_->read_with([](Conn& c) { return load_portal(c); });
    config_.public_url = "https://chat.example.com";
    oauth_ = std::make_unique<OAuthServer>(
        *store_, users_, OAuthSite{config_.public_url, services_.domain(), services_.portal.member_id}, key_);
    services_.oauth = oauth_.get();
    store_->write([&](Conn& w) {
      created_ = create_app(w, NewApp{"Echo", "https://bot.example.com/h", {"im", "imbot"}, ""});
      install_app(w, created_.app.id, 1);
    });
  }
  ~OAuthServerTest() override {
    store_->close();
    std::filesystem::remove_all(dir_);
  }
  App app() { return *oauth_->app(created_.app.id); }
  // Through the REST chain's authenticator, as a request would be.
  CallerPtr authenticate(const std::string& token) {
    Credentials creds;
    creds.token = token;
    return make_oauth_authenticator()->authenticate(creds, services_);
  }
  std::string auth_error(const std::string& token) {
    try {
      authenticate(token);
    } catch (const ApiError& e) {
      return e.code();
    }
    return "";
  }
  std::string signed_with(TokenClaims c) { return sign_token(token_key(key_), c); }

  std::filesystem::path dir_;
  Config config_;
  Registry registry_;
  Metrics metrics_;
  std::unique_ptr<Store> store_;
  std::string key_;
  UserCache users_;
  Services services_;
  std::unique_ptr<OAuthServer> oauth_;
  CreatedApp created_;
};

TEST_F(OAuthServerTest, AccessTokenAuthenticates) {
  const std::string t = oauth_->mint(app(), TokenKind::kAccess, 1, 0);
  CallerPtr c = authenticate(t);
  EXPECT_EQ(c->kind, AuthKind::kOAuth);
  EXPECT_EQ(c->user_id, 1);
  EXPECT_TRUE(c->is_admin);
  EXPECT_EQ(c->app_id, created_.app.id);
  EXPECT_EQ(c->client_id, created_.app.client_id);
  EXPECT_EQ(c->scopes, (std::vector<std::string>{"im", "imbot"}));
  EXPECT_EQ(c->event_ttl, 0);
  EXPECT_EQ(authenticate(t), c) << "verified callers are cached";
  EXPECT_EQ(auth_error(oauth_->mint(app(), TokenKind::kRefresh, 1, 0)), "invalid_token");
}

TEST_F(OAuthServerTest, ExpiryTamperingAndUnknownApps) {
  TokenClaims c;
  c.app_id = created_.app.id;
  c.user_id = 1;
  c.generation = app().generation;
  c.expires = now_unix_seconds() - 1;
  c.nonce = "00";
  c.scope = "im";
  EXPECT_EQ(auth_error(signed_with(c)), "expired_token");
  c.expires = now_unix_seconds() + 60;
  EXPECT_EQ(auth_error(signed_with(c)), "");
  EXPECT_EQ(auth_error(sign_token(token_key(std::string(64, 'd')), c)), "invalid_token");
  c.app_id = 999;
  EXPECT_EQ(auth_error(signed_with(c)), "APPLICATION_NOT_FOUND");
  c.app_id = created_.app.id;
  c.user_id = 999;
  EXPECT_EQ(auth_error(signed_with(c)), "authorization_error");
  c.user_id = 1;
  c.scope = "im,user";  // a scope the application does not have is dropped, not granted
  EXPECT_EQ(authenticate(signed_with(c))->scopes, std::vector<std::string>{"im"});
}

TEST_F(OAuthServerTest, UninstallAndReinstallRevoke) {
  const std::string t = oauth_->mint(app(), TokenKind::kAccess, 1, 0);
  ASSERT_EQ(auth_error(t), "");
  ChangeFeed().write(*store_, Cause{}, [&](Tx& tx) { uninstall_app(tx, created_.app.id, true); });
  EXPECT_EQ(auth_error(t), "APPLICATION_NOT_FOUND") << "the cached caller must not survive the uninstall";
  store_->write([&](Conn& w) { install_app(w, created_.app.id, 1); });
  EXPECT_EQ(auth_error(t), "invalid_token");
  EXPECT_EQ(auth_error(oauth_->mint(app(), TokenKind::kAccess, 1, 0)), "");
}

TEST_F(OAuthServerTest, RefreshTokensRotate) {
  const std::string r = oauth_->mint(app(), TokenKind::kRefresh, 1, 0);
  auto first = oauth_->grant_refresh_token(created_.app.client_id, created_.client_secret, r);
  ASSERT_FALSE(first.error);
  EXPECT_NE(first.response["refresh_token"].to_string(), r);
  EXPECT_EQ(auth_error(first.response["access_token"].to_string()), "");
  auto again = oauth_->grant_refresh_token(created_.app.client_id, created_.client_secret, r);
  ASSERT_TRUE(again.error);
  EXPECT_EQ(again.error->error, "invalid_grant");
  auto wrong = oauth_->grant_refresh_token(created_.app.client_id, "nope", first.response["refresh_token"].to_string());
  ASSERT_TRUE(wrong.error);
  EXPECT_EQ(wrong.error->error, "invalid_client");
  EXPECT_EQ(wrong.error->status, 401);
  auto next = oauth_->grant_refresh_token(created_.app.client_id, created_.client_secret,
                                          first.response["refresh_token"].to_string());
  EXPECT_FALSE(next.error) << "a refused attempt with a wrong secret does not spend the token";
}

TEST_F(OAuthServerTest, AuthorizationCodesAreOneUse) {
  const std::string code = oauth_->create_code(app(), 1);
  auto t = oauth_->grant_authorization_code(created_.app.client_id, created_.client_secret, code);
  ASSERT_FALSE(t.error);
  EXPECT_EQ(t.response["user_id"].get_int(), 1);
  auto again = oauth_->grant_authorization_code(created_.app.client_id, created_.client_secret, code);
  ASSERT_TRUE(again.error);
  EXPECT_EQ(again.error->error, "invalid_grant");
}

TEST_F(OAuthServerTest, EventTokenMaps) {
  Value full = oauth_->token_map(created_.app.id, 1, true);
  std::vector<std::string> keys;
  for (size_t i = 0; i < full.get_map().size(); ++i) keys.push_back(full.get_map().key_at(i));
  EXPECT_EQ(keys, (std::vector<std::string>{"access_token", "expires", "expires_in", "scope", "domain",
                                            "server_endpoint", "status", "client_endpoint", "member_id", "user_id",
                                            "application_token", "refresh_token"}));
  EXPECT_EQ(full["domain"].to_string(), "chat.example.com");
  EXPECT_EQ(full["client_endpoint"].to_string(), "https://chat.example.com/rest/");
  EXPECT_EQ(full["status"].to_string(), "L");
  EXPECT_EQ(full["application_token"].to_string(), created_.app.application_token);
  EXPECT_EQ(full["member_id"].to_string(), services_.portal.member_id);
  EXPECT_EQ(authenticate(full["access_token"].to_string())->user_id, 1);

  EXPECT_FALSE(oauth_->token_map(created_.app.id, 1, false).find("refresh_token"));
  Value none = oauth_->token_map(created_.app.id, 0, true);
  EXPECT_EQ(none.size(), 5u);
  EXPECT_FALSE(none.find("access_token"));
  EXPECT_EQ(none["application_token"].to_string(), created_.app.application_token);
  EXPECT_EQ(oauth_->application_token(created_.app.id), created_.app.application_token);
  EXPECT_EQ(oauth_->application_token(999), "");

  ChangeFeed().write(*store_, Cause{}, [&](Tx& tx) { uninstall_app(tx, created_.app.id, true); });
  Value gone = oauth_->token_map(created_.app.id, 1, true);
  EXPECT_FALSE(gone.find("access_token")) << "no tokens for an uninstalled application (ONAPPUNINSTALL)";
  EXPECT_EQ(gone["application_token"].to_string(), created_.app.application_token);
}

TEST_F(OAuthServerTest, EventTokensCarryTheHopBudget) {
  CallerPtr fresh = authenticate(oauth_->token_map(created_.app.id, 1, false)["access_token"].to_string());
  EXPECT_EQ(event_ttl_for(*fresh), kEventSessionTtl);
  CallerPtr hop = authenticate(oauth_->event_token_map(created_.app.id, 1, true, 5)["access_token"].to_string());
  EXPECT_EQ(hop->event_ttl, 5);
  EXPECT_EQ(event_ttl_for(*hop), 4);
  CallerPtr last = authenticate(oauth_->event_token_map(created_.app.id, 1, true, 0)["access_token"].to_string());
  EXPECT_EQ(event_ttl_for(*last), 0) << "an exhausted chain causes nothing more";
  Caller webhook;
  webhook.kind = AuthKind::kWebhook;
  EXPECT_EQ(event_ttl_for(webhook), kEventSessionTtl);
}

}  // namespace
}  // namespace imhub
