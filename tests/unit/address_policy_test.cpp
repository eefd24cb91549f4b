// The address policy shared by link previews and event delivery (core/address_policy), and the
// handler rules built on it (events/handler_policy): issue 17 item 5.
#include <gtest/gtest.h>

#include "core/address_policy.hpp"
#include "events/handler_policy.hpp"

namespace imhub {
namespace {

AddressVerdict classify(const std::string& host) {
  auto a = parse_ip_literal(host);
  EXPECT_TRUE(a.has_value()) << host;
  return a ? classify_address(reinterpret_cast<const sockaddr*>(&*a)) : AddressVerdict{};
}

TEST(AddressPolicy, Classes) {
  EXPECT_EQ(classify("8.8.8.8").cls, AddressClass::kPublic);
  EXPECT_EQ(classify("2a00:1450::1").cls, AddressClass::kPublic);
  EXPECT_EQ(classify("127.0.0.1").cls, AddressClass::kLoopback);
  EXPECT_EQ(classify("127.9.9.9").cls, AddressClass::kLoopback);
  EXPECT_EQ(classify("[::1]").cls, AddressClass::kLoopback);
  EXPECT_EQ(classify("::ffff:127.0.0.1").cls, AddressClass::kLoopback);
  EXPECT_EQ(classify("2130706433").cls, AddressClass::kLoopback);  // 127.0.0.1 as one number
  EXPECT_EQ(classify("127.1").cls, AddressClass::kLoopback);
  for (const char* host : {"169.254.169.254", "10.1.2.3", "192.168.0.1", "172.16.5.5", "100.64.0.1", "0.0.0.0",
                           "fd00::1", "fe80::1", "::", "::ffff:10.0.0.1", "64:ff9b::a9fe:a9fe", "224.0.0.1"})
    EXPECT_EQ(classify(host).cls, AddressClass::kPrivate) << host;
  EXPECT_STREQ(classify("169.254.169.254").range, "link-local 169.254.0.0/16");
  EXPECT_FALSE(parse_ip_literal("example.com").has_value());
  EXPECT_FALSE(parse_ip_literal("").has_value());
}

TEST(HandlerPolicy, LiteralAddressesAtRegistration) {
  const HandlerAddressRules user{false, false};
  const HandlerAddressRules admin{false, true};
  const HandlerAddressRules open{true, false};
  EXPECT_EQ(handler_url_refusal("https://bots.example.com/h?x=1", user), "");
  EXPECT_EQ(handler_url_refusal("http://8.8.8.8:8080/h", user), "");
  EXPECT_EQ(handler_url_refusal("http://10.0.0.5/h", user),
            "10.0.0.5 is private 10.0.0.0/8 (allowed only with [events] allow_private)");
  EXPECT_NE(handler_url_refusal("http://169.254.169.254/latest/meta-data", admin), "");  // admins too
  EXPECT_NE(handler_url_refusal("http://[fd00::1]:80/", user), "");
  EXPECT_NE(handler_url_refusal("http://user@192.168.1.1/", user), "");
  for (const char* loopback : {"http://127.0.0.1:9/bot", "http://[::1]/", "http://LOCALHOST:8080/",
                               "http://a.localhost/", "http://2130706433/"}) {
    EXPECT_NE(handler_url_refusal(loopback, user), "") << loopback;
    EXPECT_EQ(handler_url_refusal(loopback, admin), "") << loopback;
    EXPECT_EQ(handler_url_refusal(loopback, open), "") << loopback;
  }
  EXPECT_EQ(handler_url_refusal("http://10.0.0.5/h", open), "");
  // A name is checked when it is resolved, at delivery.
  EXPECT_EQ(handler_url_refusal("http://internal.corp/h", user), "");
}

TEST(HandlerPolicy, LoggableHandlerDropsTheQuery) {
  EXPECT_EQ(loggable_handler("http://h/bot.php?CLIENT_ID=secret"), "http://h/bot.php");
  EXPECT_EQ(loggable_handler("http://h/a#x"), "http://h/a");
}

}  // namespace
}  // namespace imhub
