#include "text/keyboard.hpp"

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

void expect_error(const Value& param, int64_t bot, std::string_view code, std::string_view description = "") {
  try {
    normalize_keyboard(param, bot);
    ADD_FAILURE() << "no error for " << plain(param);
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), code);
    EXPECT_EQ(e.status(), 400);
    if (!description.empty()) {
      EXPECT_EQ(e.description(), description);
    }
  }
}

TEST(Keyboard, SpecEchoBotExample) {
  Value in = json(R"([
    {"TEXT": "Bitrix24", "LINK": "http://bitrix24.com", "BG_COLOR": "#29619b", "TEXT_COLOR": "#fff", "DISPLAY": "LINE"},
    {"TYPE": "NEWLINE"},
    {"TEXT": "Echo", "COMMAND": "echo", "COMMAND_PARAMS": "test from keyboard", "DISPLAY": "LINE"},
    {"TEXT": "Help", "COMMAND": "/help", "DISPLAY": "LINE", "BLOCK": "Y"}])");
  EXPECT_EQ(plain(normalize_keyboard(in, 7)), plain(json(R"([
    {"BOT_ID": 7, "TYPE": "BUTTON", "TEXT": "Bitrix24", "LINK": "http://bitrix24.com", "BG_COLOR": "#29619b",
     "TEXT_COLOR": "#fff", "DISPLAY": "LINE", "DISABLED": "N", "CONTEXT": "ALL", "WAIT": "N"},
    {"TYPE": "NEWLINE"},
    {"BOT_ID": 7, "TYPE": "BUTTON", "TEXT": "Echo", "COMMAND": "echo", "COMMAND_PARAMS": "test from keyboard",
     "BLOCK": "N", "BG_COLOR": "", "TEXT_COLOR": "", "DISPLAY": "LINE", "DISABLED": "N", "CONTEXT": "ALL", "WAIT": "N"},
    {"BOT_ID": 7, "TYPE": "BUTTON", "TEXT": "Help", "COMMAND": "help", "COMMAND_PARAMS": "",
     "BLOCK": "Y", "BG_COLOR": "", "TEXT_COLOR": "", "DISPLAY": "LINE", "DISABLED": "N", "CONTEXT": "ALL", "WAIT": "N"}])")));
}

TEST(Keyboard, ReferenceJsonStringWithButtonsAndActions) {
  Value in(std::string(
      R"({"BUTTONS":[{"TEXT":"Open website","LINK":"https://www.example.com/"},{"TYPE":"NEWLINE"},{"TEXT":"Insert command","ACTION":"PUT","ACTION_VALUE":"/help"}]})"));
  EXPECT_EQ(plain(normalize_keyboard(in, 0)), plain(json(R"([
    {"BOT_ID": 0, "TYPE": "BUTTON", "TEXT": "Open website", "LINK": "https://www.example.com/", "BG_COLOR": "",
     "TEXT_COLOR": "", "DISPLAY": "BLOCK", "DISABLED": "N", "CONTEXT": "ALL", "WAIT": "N"},
    {"TYPE": "NEWLINE"},
    {"BOT_ID": 0, "TYPE": "BUTTON", "TEXT": "Insert command", "ACTION": "PUT", "ACTION_VALUE": "/help", "BG_COLOR": "",
     "TEXT_COLOR": "", "DISPLAY": "BLOCK", "DISABLED": "N", "CONTEXT": "ALL", "WAIT": "N"}])")));
}

TEST(Keyboard, EveryActionKind) {
  Value out = normalize_keyboard(json(R"([
    {"TEXT": "app", "APP_ID": "12", "APP_PARAMS": "TEST"},
    {"TEXT": "send", "ACTION": "send", "ACTION_VALUE": "hi"},
    {"TEXT": "copy", "ACTION": "COPY", "ACTION_VALUE": "x"},
    {"TEXT": "call", "ACTION": "CALL", "ACTION_VALUE": "+15551234567"},
    {"TEXT": "dialog", "ACTION": "DIALOG", "ACTION_VALUE": "chat5"},
    {"TEXT": "bad action", "ACTION": "OPEN", "ACTION_VALUE": "x"},
    {"TEXT": "no value", "ACTION": "PUT"},
    {"TEXT": "other bot", "COMMAND": "go", "BOT_ID": 9}])"),
                                 3);
  ASSERT_EQ(out.size(), 6u);
  const List& b = out.get_list();
  EXPECT_EQ(b[0]["APP_ID"].get_int(), 12);
  EXPECT_EQ(b[0]["APP_PARAMS"].get_string(), "TEST");
  EXPECT_EQ(b[1]["ACTION"].get_string(), "SEND");
  EXPECT_EQ(b[4]["ACTION_VALUE"].get_string(), "chat5");
  EXPECT_EQ(b[5]["BOT_ID"].get_int(), 9);
  EXPECT_EQ(b[5]["COMMAND"].get_string(), "go");
}

TEST(Keyboard, OptionsAndPalette) {
  Value out = normalize_keyboard(json(R"({"BUTTONS": [
      {"TEXT": "a", "LINK": "/x", "DISABLED": "Y", "CONTEXT": "mobile", "WIDTH": "200", "DISPLAY": "block"},
      {"TEXT": "b", "LINK": "/y", "BG_COLOR": "#000", "CONTEXT": "TV", "WIDTH": -5, "TEXT_COLOR": "white"}],
    "COLORS": {"BG_COLOR": "#111111", "TEXT_COLOR": "#222222", "OFF_BG_COLOR": "#333333", "OFF_TEXT_COLOR": "#444444"}})"),
                                 0);
  const List& b = out.get_list();
  EXPECT_EQ(b[0]["BG_COLOR"].get_string(), "#333333");
  EXPECT_EQ(b[0]["TEXT_COLOR"].get_string(), "#444444");
  EXPECT_EQ(b[0]["DISABLED"].get_string(), "Y");
  EXPECT_EQ(b[0]["CONTEXT"].get_string(), "MOBILE");
  EXPECT_EQ(b[0]["WIDTH"].get_int(), 200);
  EXPECT_EQ(b[0]["DISPLAY"].get_string(), "BLOCK");
  EXPECT_EQ(b[1]["BG_COLOR"].get_string(), "#000");
  EXPECT_EQ(b[1]["TEXT_COLOR"].get_string(), "#222222");
  EXPECT_EQ(b[1]["CONTEXT"].get_string(), "ALL");
  EXPECT_EQ(b[1].find("WIDTH"), nullptr);
}

TEST(Keyboard, KeyboardBotIdForCommands) {
  Value out = normalize_keyboard(json(R"({"BOT_ID": 4, "BUTTONS": [{"TEXT": "x", "COMMAND": "x"}]})"), 0);
  EXPECT_EQ(out.get_list()[0]["BOT_ID"].get_int(), 4);
}

TEST(Keyboard, InvalidButtonsAreDroppedAndNoneLeftIsAnError) {
  Value out = normalize_keyboard(json(R"([
    {"LINK": "https://no-text.example/"},
    {"TEXT": "  ", "LINK": "https://blank-text.example/"},
    {"TEXT": "js", "LINK": "javascript:alert"},
    {"TEXT": "ok", "LINK": "https://ok.example/"}])"),
                                 0);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out.get_list()[0]["TEXT"].get_string(), "ok");

  // A command needs a bot to go to.
  expect_error(json(R"([{"TEXT": "Echo", "COMMAND": "echo"}])"), 0, "KEYBOARD_ERROR", "Incorrect keyboard params");
  expect_error(json(R"([{"TYPE": "NEWLINE"}])"), 1, "KEYBOARD_ERROR");
  expect_error(json(R"([{"TEXT": "nothing to do"}])"), 1, "KEYBOARD_ERROR");
  expect_error(json(R"([{"TEXT": "x", "COMMAND": "/"}])"), 1, "KEYBOARD_ERROR");
  expect_error(Value("garbage"), 1, "KEYBOARD_ERROR");
  expect_error(Value::list(), 1, "KEYBOARD_ERROR");
  expect_error(json(R"({"TEXT": "not a list"})"), 1, "KEYBOARD_ERROR");
}

TEST(Keyboard, FormParams) {
  Map button;
  button.set("TEXT", "Echo");
  button.set("COMMAND", "echo");
  button.set("BLOCK", "Y");
  Map buttons;
  buttons.set("0", Value(button));
  Value out = normalize_keyboard(Value(buttons), 2);
  EXPECT_EQ(out.get_list()[0]["BLOCK"].get_string(), "Y");
}

TEST(Keyboard, Oversize) {
  Value buttons = Value::list();
  for (int i = 0; i < 400; ++i) buttons.push_back(Value::object({{"TEXT", std::string(60, 'x')}, {"LINK", "/a"}}));
  expect_error(buttons, 0, "KEYBOARD_OVERSIZE", "You have exceeded the maximum allowable size of keyboard");
}

}  // namespace
}  // namespace imhub
