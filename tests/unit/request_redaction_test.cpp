// What the delivery log keeps of a request (issue 13): credentials redacted wherever they are
// nested, everything else as sent, and echoed tokens cut out of answers.
#include "events/request_redaction.hpp"

#include <gtest/gtest.h>

#include <algorithm>

#include "core/value.hpp"
#include "events/form_encode.hpp"

namespace imhub {
namespace {

TEST(RequestRedaction, CredentialValuesAreReplacedWhereverNested) {
  Value bot = Value::object({{"access_token", Value("bot-access-1234")},
                             {"AUTH", Value::object({{"access_token", Value("bot-access-1234")}})},
                             {"BOT_CODE", Value("echo")}});
  Value data = Value::object(
      {{"PARAMS", Value::object({{"MESSAGE", Value("hi there")}})}, {"BOT", Value::object({{"17", bot}})}});
  Value auth = Value::object({{"access_token", Value("top.access-token/5678")},
                              {"refresh_token", Value("refresh-9999999")},
                              {"application_token", Value("0123456789abcdef")},
                              {"client_secret", Value("shh-it-is-secret")},
                              {"domain", Value("im.example.com")}});
  Value tree = Value::object({{"event", Value("ONIMBOTMESSAGEADD")}, {"data", data}, {"auth", auth}});
  const RedactedRequest r = redact_request(form_encode(tree));
  EXPECT_EQ(r.body,
            "event=ONIMBOTMESSAGEADD&data%5BPARAMS%5D%5BMESSAGE%5D=hi+there"
            "&data%5BBOT%5D%5B17%5D%5Baccess_token%5D=%5Bredacted%5D"
            "&data%5BBOT%5D%5B17%5D%5BAUTH%5D%5Baccess_token%5D=%5Bredacted%5D"
            "&data%5BBOT%5D%5B17%5D%5BBOT_CODE%5D=echo"
            "&auth%5Baccess_token%5D=%5Bredacted%5D&auth%5Brefresh_token%5D=%5Bredacted%5D"
            "&auth%5Bapplication_token%5D=%5Bredacted%5D&auth%5Bclient_secret%5D=%5Bredacted%5D"
            "&auth%5Bdomain%5D=im.example.com");
  for (const char* s : {"bot-access-1234", "refresh-9999999", "0123456789abcdef", "shh-it-is-secret", "top.access"})
    EXPECT_EQ(r.body.find(s), std::string::npos) << s;
  // Both the decoded value and the form it was sent in are known, for scrubbing answers.
  EXPECT_NE(std::find(r.secrets.begin(), r.secrets.end(), "top.access-token/5678"), r.secrets.end());
  EXPECT_NE(std::find(r.secrets.begin(), r.secrets.end(), "top.access-token%2F5678"), r.secrets.end());
}

TEST(RequestRedaction, LiteralBracketsListsAndOddPairs) {
  EXPECT_EQ(redact_request("auth[ACCESS_TOKEN]=abc&x=1").body, "auth[ACCESS_TOKEN]=%5Bredacted%5D&x=1");
  EXPECT_EQ(redact_request("tokens[]=a&password=b&a[token][]=c").body,
            "tokens[]=a&password=%5Bredacted%5D&a[token][]=%5Bredacted%5D");
  EXPECT_EQ(redact_request("").body, "");
  EXPECT_EQ(redact_request("a&&token&b=").body, "a&&token&b=");
  // Short values are redacted in the body but are no use for scrubbing (they would match anywhere).
  const RedactedRequest r = redact_request("auth%5Baccess_token%5D=ab");
  EXPECT_EQ(r.body, "auth%5Baccess_token%5D=%5Bredacted%5D");
  EXPECT_TRUE(r.secrets.empty());
}

TEST(RequestRedaction, ScrubsEchoedSecretsAndATrailingStartOfOne) {
  const std::vector<std::string> secrets{"abcdefgh12345678", "zyxwvuts"};
  EXPECT_EQ(scrub_secrets("got abcdefgh12345678 and zyxwvuts, abcdefgh12345678", secrets),
            "got [redacted] and [redacted], [redacted]");
  EXPECT_EQ(scrub_secrets("the answer was cut: abcdefgh1234", secrets), "the answer was cut: ");
  EXPECT_EQ(scrub_secrets("ends with abcdefg", secrets), "ends with abcdefg");  // under 8 bytes: no token
  EXPECT_EQ(scrub_secrets("nothing here", secrets), "nothing here");
  EXPECT_EQ(scrub_secrets("", secrets), "");
}

}  // namespace
}  // namespace imhub
