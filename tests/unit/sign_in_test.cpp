// Sign-in (issue 13): Argon2id password hashes, browser sessions and their CSRF token, the login
// throttle, the session cookie and the Origin check of cookie-bearing WebSocket upgrades.
#include <gtest/gtest.h>

#include "core/password_hash.hpp"
#include "http/origin_check.hpp"
#include "rest/session_cookie.hpp"
#include "temp_store.hpp"
#include "users/login_throttle.hpp"
#include "users/password.hpp"
#include "users/session.hpp"
#include "users/user.hpp"

namespace imhub {
namespace {

// The cheapest cost libargon2 accepts: these tests check behaviour, not strength.
const PasswordCost kFast{8, 1, 1};

TEST(PasswordHash, VerifiesOnlyTheRightPassword) {
  const std::string h = hash_password("correct horse", kFast);
  EXPECT_EQ(h.rfind("$argon2id$v=19$", 0), 0u) << h;
  EXPECT_EQ(h.find("correct horse"), std::string::npos);
  EXPECT_TRUE(verify_password(h, "correct horse"));
  EXPECT_FALSE(verify_password(h, "correct hors"));
  EXPECT_FALSE(verify_password(h, "correct horse "));
  EXPECT_FALSE(verify_password(h, ""));
}

TEST(PasswordHash, SaltedAndParametersTravelWithTheHash) {
  const std::string a = hash_password("same", kFast);
  const std::string b = hash_password("same", kFast);
  EXPECT_NE(a, b);  // a fresh salt each time
  EXPECT_TRUE(verify_password(b, "same"));
  const std::string strong = hash_password("same");  // default cost: verified with its own parameters
  EXPECT_NE(strong.find("m=19456,t=2,p=1"), std::string::npos) << strong;
  EXPECT_TRUE(verify_password(strong, "same"));
}

TEST(PasswordHash, MissingOrBrokenHashesNeverMatch) {
  EXPECT_FALSE(verify_password("", "anything"));
  EXPECT_FALSE(verify_password("plain text", "plain text"));
  EXPECT_FALSE(verify_password("$argon2id$v=19$garbage", "x"));
  std::string h = hash_password("pw", kFast);
  h.back() = h.back() == 'A' ? 'B' : 'A';  // a changed hash
  EXPECT_FALSE(verify_password(h, "pw"));
}

int64_t add_person(Store& store, const std::string& email, bool active = true, const std::string& auth_id = "") {
  User u;
  u.name = "P";
  u.email = email;
  u.active = active;
  u.external_auth_id = auth_id;
  u.departments = {1};
  return store.write_with([&](Conn& c) { return insert_user(c, u); });
}

TEST(SignInUsers, ByIdOrUniqueEmail) {
  TempStore t;
  const int64_t alice = add_person(*t.store, "Alice@Example.com");
  const int64_t bot = add_person(*t.store, "bot@example.com", true, "bot");
  const int64_t gone = add_person(*t.store, "gone@example.com", false);
  add_person(*t.store, "twice@example.com");
  add_person(*t.store, "twice@example.com");
  t.store->read([&](Conn& c) {
    ASSERT_TRUE(find_sign_in_user(c, std::to_string(alice)));
    EXPECT_EQ(find_sign_in_user(c, "alice@example.COM")->id, alice);
    EXPECT_EQ(find_sign_in_user(c, "alice@example.com")->password_hash, "");
    EXPECT_FALSE(find_sign_in_user(c, std::to_string(bot)));  // bots never sign in
    EXPECT_FALSE(find_sign_in_user(c, "gone@example.com"));   // nor deactivated people
    EXPECT_FALSE(find_sign_in_user(c, std::to_string(gone)));
    EXPECT_FALSE(find_sign_in_user(c, "twice@example.com"));  // an address two people share names neither
    EXPECT_FALSE(find_sign_in_user(c, "Alice"));
    EXPECT_FALSE(find_sign_in_user(c, ""));
  });
  t.store->write([&](Conn& c) { save_password_hash(c, alice, "$argon2id$x", 1); });
  t.store->read([&](Conn& c) { EXPECT_EQ(find_sign_in_user(c, "alice@example.com")->password_hash, "$argon2id$x"); });
}

TEST(Sessions, OnlyTheTokenHashIsStored) {
  TempStore t;
  const int64_t alice = add_person(*t.store, "a@example.com");
  const SessionPolicy policy{100, 1000};
  NewSession s = t.store->write_with([&](Conn& c) { return open_session(c, alice, policy, 5000); });
  EXPECT_EQ(s.token.size(), 64u);
  EXPECT_EQ(s.csrf.size(), 32u);
  t.store->read([&](Conn& c) {
    EXPECT_FALSE(c.query_one("SELECT 1 FROM sessions WHERE token_hash = $1 OR csrf = $1", {s.token}));
    auto found = find_session(c, s.token);
    ASSERT_TRUE(found);
    EXPECT_EQ(found->user_id, alice);
    EXPECT_EQ(found->csrf, s.csrf);
    EXPECT_FALSE(find_session(c, s.token.substr(1)));
    EXPECT_FALSE(find_session(c, ""));
  });
}

TEST(Sessions, IdleAndAbsoluteExpiry) {
  const SessionPolicy policy{100, 1000};
  SessionRow s;
  s.created_at = 5000;
  s.seen_at = 5000;
  EXPECT_TRUE(session_live(s, policy, 5099));
  EXPECT_FALSE(session_live(s, policy, 5100));  // idle
  s.seen_at = 5950;
  EXPECT_TRUE(session_live(s, policy, 5999));
  EXPECT_FALSE(session_live(s, policy, 6000));  // absolute, however recent the last use
  s.seen_at = 5000;
  EXPECT_FALSE(session_touch_due(s, policy, 5009));  // a tenth of the idle timeout
  EXPECT_TRUE(session_touch_due(s, policy, 5010));
  EXPECT_TRUE(session_touch_due(s, SessionPolicy{2, 10}, 5001));  // at least a second apart
}

TEST(Sessions, CsrfTokenMustMatchExactly) {
  SessionRow s;
  s.csrf = "0123456789abcdef0123456789abcdef";
  EXPECT_TRUE(csrf_matches(s, "0123456789abcdef0123456789abcdef"));
  EXPECT_FALSE(csrf_matches(s, "0123456789abcdef0123456789abcdeF"));
  EXPECT_FALSE(csrf_matches(s, "0123456789abcdef"));
  EXPECT_FALSE(csrf_matches(s, ""));
  s.csrf.clear();
  EXPECT_FALSE(csrf_matches(s, ""));
}

TEST(Sessions, SignOutPasswordChangeAndPurge) {
  TempStore t;
  const int64_t alice = add_person(*t.store, "a@example.com");
  const int64_t bob = add_person(*t.store, "b@example.com");
  const SessionPolicy policy{100, 1000};
  auto open = [&](int64_t user, int64_t now) {
    return t.store->write_with([&](Conn& c) { return open_session(c, user, policy, now); });
  };
  NewSession a1 = open(alice, 5000), a2 = open(alice, 5000), b1 = open(bob, 5000);
  EXPECT_TRUE(t.store->write_with([&](Conn& c) { return close_session(c, a1.token); }));
  EXPECT_FALSE(t.store->write_with([&](Conn& c) { return close_session(c, a1.token); }));
  t.store->write([&](Conn& c) { save_password_hash(c, alice, "$argon2id$new", 5001); });
  t.store->read([&](Conn& c) {
    EXPECT_FALSE(find_session(c, a2.token));  // a new password signs every browser out
    EXPECT_TRUE(find_session(c, b1.token));
  });
  open(alice, 5200);  // b1 has been idle past 100 s: dropped from the table
  t.store->read([&](Conn& c) { EXPECT_FALSE(find_session(c, b1.token)); });
}

TEST(LoginThrottle, PerUserAndPerAddress) {
  LoginThrottle t(LoginLimits{3, 5, 60});
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(t.retry_after("id:1", "10.0.0.1", 1000), 0);
    t.record_failure("id:1", "10.0.0.1", 1000);
  }
  EXPECT_EQ(t.retry_after("id:1", "10.0.0.1", 1010), 50);
  EXPECT_EQ(t.retry_after("id:1", "10.0.0.9", 1010), 50);  // the user's count, from any address
  EXPECT_EQ(t.retry_after("id:2", "10.0.0.1", 1010), 0);
  EXPECT_EQ(t.retry_after("id:1", "10.0.0.1", 1060), 0);  // the window has ended
  t.record_failure("id:2", "10.0.0.1", 1010);
  t.record_failure("id:3", "10.0.0.1", 1010);  // the address's fifth failure
  EXPECT_EQ(t.retry_after("id:4", "10.0.0.1", 1020), 40);
  EXPECT_EQ(t.retry_after("id:4", "10.0.0.2", 1020), 0);
  t.record_success("id:2");
  EXPECT_EQ(t.retry_after("id:4", "10.0.0.1", 1020), 40);  // success does not reset the address
}

TEST(SessionCookie, ReadsTheNamedCookie) {
  EXPECT_EQ(cookie_value("imhub_session=abc", kSessionCookie), "abc");
  EXPECT_EQ(cookie_value("a=1; imhub_session=abc; b=2", kSessionCookie), "abc");
  EXPECT_EQ(cookie_value("a=1;imhub_session=\"abc\"", kSessionCookie), "abc");
  EXPECT_FALSE(cookie_value("xImhub_session=abc; imhub_sessionx=1", kSessionCookie));
  EXPECT_FALSE(cookie_value("", kSessionCookie));
  EXPECT_EQ(cookie_value("imhub_session=", kSessionCookie), "");
}

TEST(OriginCheck, OwnOriginsOfTheConfig) {
  Config c;
  c.listen = "127.0.0.1:8080";
  c.public_url = "http://127.0.0.1:8080";
  EXPECT_TRUE(own_origin(c, "http://127.0.0.1:8080"));
  EXPECT_FALSE(own_origin(c, "http://127.0.0.1:8081"));
  EXPECT_FALSE(own_origin(c, "https://127.0.0.1:8080"));
  EXPECT_FALSE(own_origin(c, "http://evil.example"));
  EXPECT_FALSE(own_origin(c, "null"));
  EXPECT_FALSE(own_origin(c, ""));
  c.listen = "0.0.0.0:8080";
  c.tls_listen = "0.0.0.0:8443";
  c.public_url = "https://Chat.Example.com";
  EXPECT_TRUE(own_origin(c, "https://chat.example.com"));
  EXPECT_TRUE(own_origin(c, "https://chat.example.com:8443"));
  EXPECT_TRUE(own_origin(c, "http://chat.example.com:8080"));
  EXPECT_FALSE(own_origin(c, "http://0.0.0.0:8080"));
}

TEST(OriginCheck, OnlyCookieBearingUpgradesAreChecked) {
  Config c;
  c.listen = "127.0.0.1:8080";
  c.public_url = "http://127.0.0.1:8080";
  EXPECT_TRUE(cross_origin_session(c, "imhub_session=t", "http://evil.example"));
  EXPECT_TRUE(cross_origin_session(c, "imhub_session=t", ""));
  EXPECT_FALSE(cross_origin_session(c, "imhub_session=t", "http://127.0.0.1:8080"));
  EXPECT_FALSE(cross_origin_session(c, "", "http://evil.example"));  // an app in a frame: its JWT decides
  EXPECT_FALSE(cross_origin_session(c, "other=1", "http://evil.example"));
}

}  // namespace
}  // namespace imhub
