// Chat apps (src/bots/chat_app*): the JS_PARAM patterns of im_rest.php, IFRAME and CONTEXT checks,
// LANG, and the IFRAME launch parameters with their hashes.
#include <gtest/gtest.h>

#include "bots/chat_app.hpp"
#include "bots/chat_app_launch.hpp"
#include "core/crypto.hpp"
#include "core/json.hpp"

namespace imhub {
namespace {

TEST(ChatAppTest, JsParamPatterns) {
  EXPECT_EQ(js_param_for("SEND", "/help"), "/help");
  EXPECT_EQ(js_param_for("PUT", "say /echo hi there!"), "/echo hi there");
  EXPECT_EQ(js_param_for("SEND", "/a-b_c+d"), "/a-b_c+d");
  EXPECT_EQ(js_param_for("SEND", "/h"), std::nullopt) << "the pattern needs two characters";
  EXPECT_EQ(js_param_for("SEND", "help"), std::nullopt);
  EXPECT_EQ(js_param_for("CALL", "+7 (495) 711-22-33"), "+7 (495) 711-22-33");
  EXPECT_EQ(js_param_for("CALL", "call 84012112233"), " 84012112233");
  EXPECT_EQ(js_param_for("CALL", "abc"), std::nullopt);
  EXPECT_EQ(js_param_for("SUPPORT", "6a4cdbcf753addac1a573ea64be826ca"), "6a4cdbcf753addac1a573ea64be826ca");
  EXPECT_EQ(js_param_for("SUPPORT", "6A4CDBCF753ADDAC1A573EA64BE826CA"), "6A4CDBCF753ADDAC1A573EA64BE826CA");
  EXPECT_EQ(js_param_for("SUPPORT", "6a4cdbcf"), std::nullopt);
  EXPECT_EQ(js_param_for("OPEN", "/help"), std::nullopt);
  EXPECT_EQ(js_param_for("SEND", ""), std::nullopt);
}

TEST(ChatAppTest, IframeUrls) {
  EXPECT_TRUE(iframe_url_ok("https://marta.example.com/iframe/echo.php", false));
  EXPECT_TRUE(iframe_url_ok("HTTPS://host:8443", false));
  EXPECT_FALSE(iframe_url_ok("http://marta.example.com/", false));
  EXPECT_TRUE(iframe_url_ok("http://marta.example.com/", true));
  EXPECT_FALSE(iframe_url_ok("ftp://marta.example.com/", true));
  EXPECT_FALSE(iframe_url_ok("https:///path", false));
  EXPECT_FALSE(iframe_url_ok("https://:443/", false));
  EXPECT_FALSE(iframe_url_ok("marta.example.com/x", false));
  EXPECT_FALSE(iframe_url_ok("javascript:alert(1)", true));
}

TEST(ChatAppTest, Contexts) {
  EXPECT_EQ(normalize_app_context("ALL"), "all");
  EXPECT_EQ(normalize_app_context("Bot-Admin"), "bot-admin");
  EXPECT_EQ(normalize_app_context(" lines "), "lines");
  EXPECT_EQ(normalize_app_context("-admin"), std::nullopt);
  EXPECT_EQ(normalize_app_context("crm"), std::nullopt);
  EXPECT_EQ(normalize_app_context(""), std::nullopt);
}

TEST(ChatAppTest, Lang) {
  Value lang = *parse_json(R"([{"LANGUAGE_ID":"EN","TITLE":"Echo","DESCRIPTION":"d"},{"TITLE":"x"}])");
  EXPECT_EQ(to_json(normalize_app_lang(lang)),
            R"([{"LANGUAGE_ID":"en","TITLE":"Echo","DESCRIPTION":"d","COPYRIGHT":""}])");
}

TEST(ChatAppLaunchTest, UrlHostAsParseUrl) {
  EXPECT_EQ(url_host("https://test.bitrix24.com"), "test.bitrix24.com");
  EXPECT_EQ(url_host("http://127.0.0.1:8080/x"), "127.0.0.1");
  EXPECT_EQ(url_host("https://user:pw@host.example:1/"), "host.example");
  EXPECT_EQ(url_host("http://[::1]:8080"), "[::1]");
  EXPECT_EQ(url_host("no scheme"), "");
}

TEST(ChatAppLaunchTest, ParamsAndHashes) {
  ChatApp app;
  app.id = 11;
  app.code = "echoFrame";
  app.hash = "0e9c40cee01d6f182e9261b38b30b5c3";
  LaunchContext ctx;
  ctx.bot_id = 17;
  ctx.bot_code = "echoBot";
  ctx.domain = "https://test.bitrix24.com";
  ctx.user_id = 2;
  ctx.dialog_id = "950";
  ctx.dialog_context = "user";
  Value p = launch_params(app, ctx);
  EXPECT_EQ(p["DOMAIN_HASH"].to_string(), md5_hex("test.bitrix24.com0e9c40cee01d6f182e9261b38b30b5c3"));
  EXPECT_EQ(p["USER_HASH"].to_string(), md5_hex("20e9c40cee01d6f182e9261b38b30b5c3"));
  EXPECT_EQ(p["CONTEXT"].to_string(), "textarea");
  EXPECT_EQ(p.find("MESSAGE_ID"), nullptr);
  EXPECT_EQ(p["IS_CHROME"].to_string(), "N");
  ctx.message_id = 12333;
  ctx.button_params = "a b&c";
  Value q = launch_params(app, ctx);
  EXPECT_EQ(q["CONTEXT"].to_string(), "button");
  EXPECT_EQ(q["MESSAGE_ID"].to_string(), "12333");
  const std::string url = launch_url("https://x.example/f.php?v=1", q);
  EXPECT_EQ(url.rfind("https://x.example/f.php?v=1&BOT_ID=17&BOT_CODE=echoBot&APP_ID=11&", 0), 0u) << url;
  EXPECT_NE(url.find("BUTTON_PARAMS=a+b%26c"), std::string::npos) << url;
  EXPECT_EQ(launch_url("https://x.example/f.php", Value::object({{"A", Value("1")}})), "https://x.example/f.php?A=1");
}

}  // namespace
}  // namespace imhub
