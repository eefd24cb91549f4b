// The body of an event POST: top-level fields in the platform's order, the `auth` forms of
// protocol.md §8.4, token slots of §9.3, loop-protection budget handed to the issuer, and the
// signature / delivery-id helpers.
#include <gtest/gtest.h>

#include "core/crypto.hpp"
#include "core/json.hpp"
#include "events/event_body.hpp"
#include "events/event_signature.hpp"
#include "events/form_encode.hpp"

namespace imhub {
namespace {

// Mints recognisable maps and remembers what it was asked for.
class FakeIssuer : public EventAuthIssuer {
 public:
  Value token_map(int64_t app_id, int64_t user_id, bool with_refresh) override {
    if (app_id == 99) return Value();  // an application that is gone
    Value m = Value::object({{"access_token", Value("at-" + std::to_string(app_id) + "-" + std::to_string(user_id))},
                             {"expires_in", Value("3600")},
                             {"user_id", Value(user_id)}});
    if (with_refresh) m["refresh_token"] = "rt-" + std::to_string(user_id);
    m["application_token"] = "apptok-" + std::to_string(app_id);
    return m;
  }
  Value event_token_map(int64_t app_id, int64_t user_id, bool with_refresh, int event_ttl) override {
    last_ttl = event_ttl;
    return token_map(app_id, user_id, with_refresh);
  }
  std::string application_token(int64_t app_id) override {
    return app_id == 99 ? "" : "apptok-" + std::to_string(app_id);
  }
  int last_ttl = -1;
};

const PortalIdentity kPortal = portal_identity("http://im.example.org:8080/", "d897063e1ce7c5eb9f04b9751eef5915");

OutboxRow row(int64_t app_id) {
  OutboxRow r;
  r.id = 41;
  r.app_id = app_id;
  r.handler = "http://bot.example/h";
  r.event = "ONIMBOTMESSAGEADD";
  r.event_handler_id = 7;
  return r;
}

EventPayload payload(const char* json) {
  auto p = parse_event_payload(json);
  EXPECT_TRUE(p) << json;
  return p ? *p : EventPayload{};
}

TEST(EventBody, PortalIdentityFromPublicUrl) {
  EXPECT_EQ(kPortal.domain, "im.example.org:8080");
  EXPECT_EQ(kPortal.client_endpoint, "http://im.example.org:8080/rest/");
  EXPECT_EQ(kPortal.server_endpoint, "http://im.example.org:8080/rest/");
}

TEST(EventBody, WebhookBotGetsTheNoUserFormWithItsClientId) {
  FakeIssuer issuer;
  auto p = payload(R"({"data":{"PARAMS":{"MESSAGE":"hi"}},"auth_user_id":5,"application_token":"client-abc",
                       "token_slots":[{"path":["BOT","39"],"user_id":39}],"event_ttl":7})");
  const std::string body = event_body(row(0), std::move(p), &issuer, kPortal, 1700000000);
  EXPECT_EQ(
      body,
      "event=ONIMBOTMESSAGEADD&event_handler_id=7&data%5BPARAMS%5D%5BMESSAGE%5D=hi&ts=1700000000"
      "&auth%5Bdomain%5D=im.example.org%3A8080&auth%5Bclient_endpoint%5D=http%3A%2F%2Fim.example.org%3A8080%2Frest%2F"
      "&auth%5Bserver_endpoint%5D=http%3A%2F%2Fim.example.org%3A8080%2Frest%2F"
      "&auth%5Bmember_id%5D=d897063e1ce7c5eb9f04b9751eef5915&auth%5Bapplication_token%5D=client-abc");
  EXPECT_EQ(issuer.last_ttl, -1);  // no tokens minted for app 0
}

TEST(EventBody, ApplicationEventWithUserAndBotSlot) {
  FakeIssuer issuer;
  auto p = payload(R"({"data":{"BOT":{"39":{"BOT_ID":39,"BOT_CODE":"echo"}},"PARAMS":{"MESSAGE":"hi"}},
                       "auth_user_id":5,"send_refresh_token":true,"token_slots":[{"path":["BOT","39"],"user_id":39}],
                       "event_ttl":6})");
  Value tree = event_tree(row(3), std::move(p), &issuer, kPortal, 1700000000);
  EXPECT_EQ(issuer.last_ttl, 6);
  const Value& bot = tree["data"]["BOT"]["39"];
  EXPECT_EQ(bot["access_token"].get_string(), "at-3-39");
  EXPECT_EQ(bot["refresh_token"].get_string(), "rt-39");
  EXPECT_EQ(bot["AUTH"]["access_token"].get_string(), "at-3-39");
  EXPECT_EQ(bot["BOT_CODE"].get_string(), "echo");
  // token fields first, then AUTH, then what the entry held
  EXPECT_EQ(bot.get_map().key_at(0), "access_token");
  EXPECT_EQ(bot.get_map().key_at(bot.size() - 1), "BOT_CODE");
  EXPECT_EQ(tree["auth"]["access_token"].get_string(), "at-3-5");
  EXPECT_EQ(tree["auth"]["refresh_token"].get_string(), "rt-5");
  EXPECT_EQ(tree["auth"]["application_token"].get_string(), "apptok-3");
  const Map& top = tree.get_map();
  ASSERT_EQ(top.size(), 5u);
  EXPECT_EQ(top.key_at(0), "event");
  EXPECT_EQ(top.key_at(1), "event_handler_id");
  EXPECT_EQ(top.key_at(2), "data");
  EXPECT_EQ(top.key_at(3), "ts");
  EXPECT_EQ(top.key_at(4), "auth");
}

TEST(EventBody, NoRefreshTokenUnlessAsked) {
  FakeIssuer issuer;
  auto p = payload(R"({"data":{"BOT_ID":39},"auth_user_id":5,"send_refresh_token":false,"event_ttl":7})");
  Value tree = event_tree(row(3), std::move(p), &issuer, kPortal, 1);
  EXPECT_FALSE(tree["auth"].find("refresh_token"));
}

TEST(EventBody, GoneApplicationFallsBackToTheNoUserForm) {
  FakeIssuer issuer;
  auto p = payload(R"({"data":{"LANGUAGE_ID":"en","CLEAN":0},"auth_user_id":0,"application_token":"kept-token"})");
  Value tree = event_tree(row(99), std::move(p), &issuer, kPortal, 1);
  EXPECT_FALSE(tree["auth"].find("access_token"));
  EXPECT_EQ(tree["auth"]["application_token"].get_string(), "kept-token");
  EXPECT_EQ(tree["auth"]["member_id"].get_string(), kPortal.member_id);
}

TEST(EventBody, WithoutIssuerEveryEventHasTheNoUserForm) {
  auto p = payload(R"({"data":{"X":1},"auth_user_id":5})");
  Value tree = event_tree(row(3), std::move(p), nullptr, kPortal, 1);
  EXPECT_FALSE(tree["auth"].find("access_token"));
  EXPECT_FALSE(tree["auth"].find("application_token"));
  EXPECT_EQ(tree["auth"]["domain"].get_string(), "im.example.org:8080");
}

TEST(EventBody, PayloadParsing) {
  EXPECT_FALSE(parse_event_payload("not json"));
  EXPECT_FALSE(parse_event_payload("[1,2]"));
  auto p = parse_event_payload(R"({"data":{}})");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->event_ttl, kEventSessionTtl);  // written without a budget: a full one
  EXPECT_EQ(p->delivery_id, "");
  p = parse_event_payload(R"({"event_ttl":0,"delivery_id":"abc","auth_user_id":"12"})");
  ASSERT_TRUE(p);
  EXPECT_EQ(p->event_ttl, 0);
  EXPECT_EQ(p->auth_user_id, 12);
  EXPECT_EQ(p->delivery_id, "abc");
}

TEST(EventSignature, SecretsDifferPerApplicationAndVerifyLikeAHandlerWould) {
  const std::string key = std::string(64, 'a');
  const std::string s1 = event_signing_secret(key, 1, "");
  const std::string s2 = event_signing_secret(key, 2, "");
  const std::string c1 = event_signing_secret(key, 0, "client-1");
  EXPECT_EQ(s1.size(), 64u);
  EXPECT_NE(s1, s2);
  EXPECT_NE(c1, event_signing_secret(key, 0, "client-2"));
  EXPECT_EQ(s1, event_signing_secret(key, 1, "ignored for applications"));
  EXPECT_NE(s1, event_signing_secret(std::string(64, 'b'), 1, ""));
  // What a PHP handler computes: hash_hmac('sha256', $body, $secret)
  EXPECT_EQ(event_signature(s1, "event=X"), "sha256=" + hmac_sha256_hex(s1, "event=X"));
}

TEST(EventSignature, FallbackDeliveryIdIsStablePerRow) {
  const std::string key = std::string(64, 'a');
  EXPECT_EQ(fallback_delivery_id(key, 5), fallback_delivery_id(key, 5));
  EXPECT_NE(fallback_delivery_id(key, 5), fallback_delivery_id(key, 6));
  EXPECT_EQ(fallback_delivery_id(key, 5).size(), 32u);
}

}  // namespace
}  // namespace imhub
