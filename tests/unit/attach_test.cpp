#include "text/attach.hpp"

#include <gtest/gtest.h>

#include "core/json.hpp"

namespace imhub {
namespace {

Value json(std::string_view text) {
  auto v = parse_json(text);
  EXPECT_TRUE(v.has_value()) << text;
  return v ? *v : Value();
}

std::string plain(const Value& v) { return to_plain_json(v); }

void expect_error(const Value& param, std::string_view code) {
  try {
    normalize_attach(param);
    ADD_FAILURE() << "no error for " << plain(param);
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), code);
    EXPECT_EQ(e.status(), 400);
  }
}

TEST(Attach, FullFormOfTheSpec) {
  // SPEC 002 "Attachments": ID, COLOR and BLOCKS with a LINK and an IMAGE given as one object.
  Value in = json(R"({"ID": 1, "COLOR": "#29619b", "BLOCKS": [
    {"LINK": {"NAME": "Ticket #12345: new IM module for API", "DESC": "Need this done before the release!",
              "LINK": "https://api.bitrix24.com/"}},
    {"IMAGE": {"NAME": "Example", "LINK": "https://training.bitrix24.com/logo_rich.png"}}]})");
  EXPECT_EQ(plain(normalize_attach(in)), plain(json(R"([{"ID": "1", "BLOCKS": [
    {"LINK": [{"NAME": "Ticket #12345: new IM module for API", "LINK": "https://api.bitrix24.com/",
               "DESC": "Need this done before the release!"}]},
    {"IMAGE": [{"NAME": "Example", "LINK": "https://training.bitrix24.com/logo_rich.png"}]}],
    "COLOR": "#29619b"}])")));
}

TEST(Attach, ShortFormBugTrackerExample) {
  Value in = json(R"([
    {"USER": {"NAME": "Mantis Notifications", "AVATAR": "http://shelenkov.com/avatar.jpg", "LINK": "http://shelenkov.com/"}},
    {"LINK": {"NAME": "Open Mantis", "LINK": "http://shelenkov.com/"}},
    {"DELIMITER": {"SIZE": 200, "COLOR": "#c6c6c6"}},
    {"GRID": [{"NAME": "Project", "VALUE": "BUGS", "DISPLAY": "LINE", "WIDTH": 100},
              {"NAME": "Summary", "VALUE": "Structured entity", "DISPLAY": "BLOCK"}]},
    {"GRID": [{"NAME": "New ticket", "VALUE": "", "DISPLAY": "ROW", "WIDTH": "100"}]}])");
  Value out = normalize_attach(in);
  ASSERT_EQ(out.size(), 1u);
  const Value& a = out.get_list()[0];
  EXPECT_TRUE(a["ID"].is_string());
  EXPECT_EQ(a["COLOR"].get_string(), "CHAT");
  EXPECT_EQ(plain(a["BLOCKS"]), plain(json(R"([
    {"USER": [{"NAME": "Mantis Notifications", "AVATAR": "http://shelenkov.com/avatar.jpg", "LINK": "http://shelenkov.com/"}]},
    {"LINK": [{"NAME": "Open Mantis", "LINK": "http://shelenkov.com/"}]},
    {"DELIMITER": {"SIZE": 200, "COLOR": "#c6c6c6"}},
    {"GRID": [{"NAME": "Project", "VALUE": "BUGS", "DISPLAY": "LINE", "WIDTH": 100},
              {"NAME": "Summary", "VALUE": "Structured entity", "DISPLAY": "BLOCK"}]},
    {"GRID": [{"NAME": "New ticket", "VALUE": "", "DISPLAY": "ROW", "WIDTH": 100}]}])")));
}

TEST(Attach, JsonStringWithColorToken) {
  // The reference's curl example: ATTACH inside a JSON body, COLOR_TOKEN instead of COLOR.
  Value in(std::string(
      R"({"ID":1,"COLOR_TOKEN":"primary","BLOCKS":[{"MESSAGE":"[B]New Request[/B]"},{"LINK":{"NAME":"Open","LINK":"https://example.com"}}]})"));
  EXPECT_EQ(plain(normalize_attach(in)), plain(json(R"([{"ID": "1", "BLOCKS": [{"MESSAGE": "[B]New Request[/B]"},
    {"LINK": [{"NAME": "Open", "LINK": "https://example.com"}]}], "COLOR": "CHAT", "COLOR_TOKEN": "primary"}])")));
}

TEST(Attach, FormParamsAreStringsAndIndexMaps) {
  // ATTACH[ID]=5&ATTACH[BLOCKS][0][FILE][0][LINK]=…&…[SIZE]=1500000 as the decoder builds it.
  Map file;
  file.set("NAME", "mantis.jpg");
  file.set("LINK", "http://shelenkov.com/mantis.jpg");
  file.set("SIZE", "1500000");
  Map files;
  files.set("0", Value(file));
  Map block;
  block.set("FILE", Value(files));
  Map blocks;
  blocks.set("0", Value(block));
  Map attach;
  attach.set("ID", "5");
  attach.set("COLOR", "attention");
  attach.set("BLOCKS", Value(blocks));
  EXPECT_EQ(plain(normalize_attach(Value(attach))), plain(json(R"([{"ID": "5", "BLOCKS": [
    {"FILE": [{"NAME": "mantis.jpg", "LINK": "http://shelenkov.com/mantis.jpg", "SIZE": 1500000}]}],
    "COLOR": "#e8a441"}])")));
}

TEST(Attach, ListOfFullFormsKeepsEach) {
  Value out = normalize_attach(json(R"([
    {"ID": 7, "COLOR": "NORMAL", "BLOCKS": [{"MESSAGE": "one"}]},
    {"ID": "8", "COLOR": "transparent", "BLOCKS": [{"MESSAGE": "two"}]}])"));
  EXPECT_EQ(plain(out), plain(json(R"([{"ID": "7", "BLOCKS": [{"MESSAGE": "one"}], "COLOR": "#aac337"},
    {"ID": "8", "BLOCKS": [{"MESSAGE": "two"}], "COLOR": "transparent"}])")));
}

TEST(Attach, MissingIdsAreDistinctNumbers) {
  Value out = normalize_attach(json(R"([{"BLOCKS": [{"MESSAGE": "a"}]}, {"BLOCKS": [{"MESSAGE": "b"}]}])"));
  ASSERT_EQ(out.size(), 2u);
  const std::string a = out.get_list()[0]["ID"].get_string();
  const std::string b = out.get_list()[1]["ID"].get_string();
  EXPECT_TRUE(Value(a).to_int().has_value());
  EXPECT_NE(a, b);
}

TEST(Attach, Colors) {
  EXPECT_EQ(normalize_attach_color("NORMAL"), "#aac337");
  EXPECT_EQ(normalize_attach_color("attention"), "#e8a441");
  EXPECT_EQ(normalize_attach_color("PROBLEM"), "#df532d");
  EXPECT_EQ(normalize_attach_color("TRANSPARENT"), "transparent");
  EXPECT_EQ(normalize_attach_color("CHAT"), "CHAT");
  EXPECT_EQ(normalize_attach_color(""), "CHAT");
  EXPECT_EQ(normalize_attach_color("#ABC"), "#ABC");
  EXPECT_EQ(normalize_attach_color("#29619b"), "#29619b");
  EXPECT_EQ(normalize_attach_color("#29619"), "CHAT");
  EXPECT_EQ(normalize_attach_color("red"), "CHAT");
}

TEST(Attach, LinksMustBeHttpOrRelative) {
  Value out = normalize_attach(json(R"([
    {"LINK": {"NAME": "bad", "LINK": "javascript:alert"}},
    {"LINK": {"NAME": "relative", "LINK": "/online/?IM_DIALOG=chat1"}},
    {"IMAGE": [{"LINK": "data:image/png;base64,AAAA"}, {"LINK": "HTTPS://EXAMPLE.COM/a.png", "PREVIEW": "ftp://x/p.png"}]},
    {"FILE": [{"LINK": "file:///etc/passwd"}]},
    {"USER": {"NAME": "U", "AVATAR": "javascript:x", "LINK": "vbscript:y", "USER_ID": "12"}}])"));
  EXPECT_EQ(plain(out.get_list()[0]["BLOCKS"]), plain(json(R"([
    {"LINK": [{"NAME": "relative", "LINK": "/online/?IM_DIALOG=chat1"}]},
    {"IMAGE": [{"LINK": "HTTPS://EXAMPLE.COM/a.png"}]},
    {"USER": [{"NAME": "U", "USER_ID": 12}]}])")));
}

TEST(Attach, EntityIdsInsteadOfLinks) {
  Value out = normalize_attach(json(R"([
    {"USER": {"NAME": "Bot", "BOT_ID": 66}},
    {"LINK": {"NAME": "Chat", "CHAT_ID": "1"}},
    {"LINK": {"NAME": "Nowhere"}},
    {"USER": [{"NAME": "A", "LINK": "https://a.example/"}, {"AVATAR": "https://no-name.example/a.png"}]}])"));
  EXPECT_EQ(plain(out.get_list()[0]["BLOCKS"]), plain(json(R"([
    {"USER": [{"NAME": "Bot", "BOT_ID": 66}]},
    {"LINK": [{"NAME": "Chat", "CHAT_ID": 1}]},
    {"USER": [{"NAME": "A", "LINK": "https://a.example/"}]}])")));
}

TEST(Attach, GridDisplayAndKeys) {
  Value out = normalize_attach(json(R"([{"GRID": [
    {"NAME": "a", "VALUE": "1", "DISPLAY": "card"},
    {"NAME": "b", "VALUE": "2", "DISPLAY": "COLUMN"},
    {"NAME": "c", "VALUE": "3", "DISPLAY": "TABLE", "COLOR": "#ff0000", "USER_ID": 5, "LINK": "https://x.example/"},
    {"NAME": "d", "VALUE": "4", "DISPLAY": "weird", "COLOR": "red", "LINK": "mailto:a@b"},
    {"WIDTH": 100}]}])"));
  EXPECT_EQ(plain(out.get_list()[0]["BLOCKS"]), plain(json(R"([{"GRID": [
    {"NAME": "a", "VALUE": "1", "DISPLAY": "LINE"},
    {"NAME": "b", "VALUE": "2", "DISPLAY": "ROW"},
    {"NAME": "c", "VALUE": "3", "DISPLAY": "TABLE", "COLOR": "#ff0000", "USER_ID": 5, "LINK": "https://x.example/"},
    {"NAME": "d", "VALUE": "4", "DISPLAY": "BLOCK"}]}])")));
}

TEST(Attach, ImageSizesRichLinkDelimiterHtml) {
  Value out = normalize_attach(json(R"([
    {"IMAGE": [{"NAME": "n", "LINK": "https://i.example/a.jpg", "PREVIEW": "https://i.example/p.jpg", "WIDTH": "640", "HEIGHT": 480}]},
    {"RICH_LINK": [{"NAME": "Squirrel", "LINK": "http://squirrel.com", "DESC": "Can find everything", "PREVIEW": "https://y.example/l.png"}]},
    {"DELIMITER": {}},
    {"DELIMITER": {"SIZE": "0", "COLOR": "blue"}},
    {"HTML": "<b>x</b>"},
    {"MESSAGE": ""}])"));
  EXPECT_EQ(plain(out.get_list()[0]["BLOCKS"]), plain(json(R"([
    {"IMAGE": [{"NAME": "n", "LINK": "https://i.example/a.jpg", "PREVIEW": "https://i.example/p.jpg", "WIDTH": 640, "HEIGHT": 480}]},
    {"RICH_LINK": [{"NAME": "Squirrel", "LINK": "http://squirrel.com", "DESC": "Can find everything", "PREVIEW": "https://y.example/l.png"}]},
    {"DELIMITER": {"SIZE": 200, "COLOR": "#c6c6c6"}},
    {"DELIMITER": {"SIZE": 200, "COLOR": "#c6c6c6"}},
    {"HTML": "<b>x</b>"}])")));
}

TEST(Attach, SingleBlockObject) {
  Value out = normalize_attach(json(R"({"MESSAGE": "just text"})"));
  EXPECT_EQ(plain(out.get_list()[0]["BLOCKS"]), R"([{"MESSAGE":"just text"}])");
}

TEST(Attach, InvalidValues) {
  expect_error(Value("not json"), "ATTACH_ERROR");
  expect_error(Value("{broken"), "ATTACH_ERROR");
  expect_error(Value(int64_t{5}), "ATTACH_ERROR");
  expect_error(Value::list(), "ATTACH_ERROR");
  expect_error(json(R"({"ID": 1, "BLOCKS": []})"), "ATTACH_ERROR");
  expect_error(json(R"([{"UNKNOWN": {"X": 1}}])"), "ATTACH_ERROR");
  expect_error(json(R"([{"LINK": {"LINK": "javascript:alert"}}])"), "ATTACH_ERROR");
  expect_error(json(R"([{"IMAGE": [{"NAME": "no link"}]}])"), "ATTACH_ERROR");
  expect_error(json(R"([1, "x", null])"), "ATTACH_ERROR");
}

TEST(Attach, OversizeIsMeasuredOnTheJsonEncoding) {
  // 25,000 characters fit in 30 KB as plain ASCII …
  EXPECT_NO_THROW(normalize_attach(json(R"([{"MESSAGE": ")" + std::string(25000, 'a') + R"("}])")));
  // … but not once each "<" is written as \u003C (6 bytes) by the encoder.
  expect_error(json(R"([{"MESSAGE": ")" + std::string(6000, '<') + R"("}])"), "ATTACH_OVERSIZE");
  expect_error(json(R"([{"MESSAGE": ")" + std::string(31000, 'a') + R"("}])"), "ATTACH_OVERSIZE");
}

TEST(Attach, ErrorDescriptions) {
  try {
    normalize_attach(Value("x"));
  } catch (const ApiError& e) {
    EXPECT_EQ(e.description(), "Incorrect attach params");
  }
  try {
    normalize_attach(json(R"([{"MESSAGE": ")" + std::string(31000, 'a') + R"("}])"));
  } catch (const ApiError& e) {
    EXPECT_EQ(e.description(), "You have exceeded the maximum allowable size of attach");
  }
}

}  // namespace
}  // namespace imhub
