#include "rest/decode.hpp"

#include <gtest/gtest.h>

#include "core/error.hpp"
#include "core/json.hpp"

namespace imhub {
namespace {

Value form(std::string_view q) {
  Value v = Value::map();
  size_t keys = 0;
  parse_query_into(q, v, DecodeLimits{}, keys);
  return v;
}

TEST(Decode, PhpBracketNesting) {
  EXPECT_EQ(to_plain_json(form("fields[TITLE]=X&fields[PHONE][0][VALUE]=1")),
            R"({"fields":{"TITLE":"X","PHONE":[{"VALUE":"1"}]}})");
  EXPECT_EQ(to_plain_json(form("USERS[]=1&USERS[]=2")), R"({"USERS":["1","2"]})");
  EXPECT_EQ(to_plain_json(form("a[5]=x&a[]=y")), R"({"a":{"5":"x","6":"y"}})");
}

TEST(Decode, PlusIsSpaceAndDotsBecomeUnderscores) {
  EXPECT_EQ(to_plain_json(form("a.b=1+2&c+d=%2B")), R"({"a_b":"1 2","c_d":"+"})");
}

TEST(Decode, UnmatchedBracketAndEmptyName) {
  EXPECT_EQ(to_plain_json(form("a[b=1&=2&[x]=3")), R"({"a_b":"1"})");
  EXPECT_EQ(to_plain_json(form("a[b]c=1")), R"({"a":{"b":"1"}})");
}

TEST(Decode, ScalarReplacedByArray) { EXPECT_EQ(to_plain_json(form("a=1&a[b]=2")), R"({"a":{"b":"2"}})"); }

TEST(Decode, StrayPercentKept) { EXPECT_EQ(to_plain_json(form("a=%zz%4")), R"({"a":"%zz%4"})"); }

TEST(Decode, BodyWinsByTopLevelKey) {
  Value v = decode_params("a[x]=1&b=2", "application/json", R"({"a":{"y":2}})", DecodeLimits{});
  EXPECT_EQ(to_plain_json(v), R"({"a":{"y":2},"b":"2"})");
}

TEST(Decode, BodyAloneKeepsItsOrderAndMediaTypesIgnoreCase) {
  EXPECT_EQ(to_plain_json(decode_params("", "application/x-www-form-urlencoded", "b=2&a=1", DecodeLimits{})),
            R"({"b":"2","a":"1"})");
  EXPECT_EQ(to_plain_json(decode_params("", " Application/JSON ; charset=utf-8", R"({"x":1})", DecodeLimits{})),
            R"({"x":1})");
  // Only the whole media type counts: a longer one is not JSON (its body is read as a form).
  EXPECT_EQ(to_plain_json(decode_params("", "application/jsonl", "x=1", DecodeLimits{})), R"({"x":"1"})");
}

TEST(Decode, MalformedJsonIsNoParameters) {
  Value v = decode_params("q=1", "application/json; charset=utf-8", "{oops", DecodeLimits{});
  EXPECT_EQ(to_plain_json(v), R"({"q":"1"})");
  EXPECT_EQ(to_plain_json(decode_params("", "application/json", "42", DecodeLimits{})), "[]");
}

TEST(Decode, Multipart) {
  std::string body =
      "--B\r\nContent-Disposition: form-data; name=\"a[b]\"\r\n\r\nx y\r\n"
      "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"t.txt\"\r\nContent-Type: text/plain\r\n\r\n"
      "hi\r\n--B--\r\n";
  Value v = decode_params("", "multipart/form-data; boundary=B", body, DecodeLimits{});
  EXPECT_EQ(to_plain_json(v), R"({"a":{"b":"x y"},"f":["t.txt","aGk="]})");
}

TEST(Decode, LimitsAndEncoding) {
  DecodeLimits tight{4, 10, 16};
  EXPECT_NO_THROW(form("a[1][2][3][4][5]=1"));  // within the default depth
  Value v = Value::map();
  size_t keys = 0;
  EXPECT_THROW(parse_query_into("a[1][2][3][4]=1", v, tight, keys), ApiError);
  keys = 0;
  EXPECT_THROW(parse_query_into("a=1&b=1&c=1&d=1&e=1&f=1&g=1&h=1&i=1&j=1&k=1", v, tight, keys), ApiError);
  keys = 0;
  EXPECT_THROW(parse_query_into("aaaaaaaaaaaaaaaaaaaaa=1", v, tight, keys), ApiError);
  try {
    form("a=%FF");
    FAIL();
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), "WRONG_ENCODING");
  }
}

TEST(RestPath, Forms) {
  auto t = parse_rest_path(normalize_path("//rest//1/abc//IM.Message.Add.XML/"));
  ASSERT_TRUE(t);
  EXPECT_EQ(t->method, "im.message.add");
  EXPECT_EQ(t->transport, Transport::kXml);
  EXPECT_EQ(*t->webhook_user, "1");
  EXPECT_EQ(*t->webhook_secret, "abc");
  t = parse_rest_path("/rest/user.get");
  ASSERT_TRUE(t);
  EXPECT_EQ(t->method, "user.get");
  EXPECT_FALSE(t->webhook_user);
  EXPECT_FALSE(parse_rest_path("/rest/a/b"));
  EXPECT_FALSE(parse_rest_path("/other/x"));
  // One, three, never two, four or more segments; each is URL-decoded.
  EXPECT_FALSE(parse_rest_path("/rest/1/abc/x/im.message.add"));
  EXPECT_FALSE(parse_rest_path("/rest/1/abc/x/y/im.message.add"));
  t = parse_rest_path("/rest/1/a%2Fb/Server.Time.json");
  ASSERT_TRUE(t);
  EXPECT_EQ(*t->webhook_secret, "a/b");
  EXPECT_EQ(t->method, "server.time");
  EXPECT_EQ(t->transport, Transport::kJson);
}

}  // namespace
}  // namespace imhub
