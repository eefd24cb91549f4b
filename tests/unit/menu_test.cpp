#include "text/menu.hpp"

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
    normalize_menu(param, bot);
    ADD_FAILURE() << "no error for " << plain(param);
  } catch (const ApiError& e) {
    EXPECT_EQ(e.code(), code);
    EXPECT_EQ(e.status(), 400);
    if (!description.empty()) {
      EXPECT_EQ(e.description(), description);
    }
  }
}

const char* kSpecExample = R"([
  {"TEXT": "Bitrix24", "LINK": "http://bitrix24.com"},
  {"TEXT": "Echo", "COMMAND": "echo", "COMMAND_PARAMS": "test from keyboard"},
  {"TEXT": "Open app", "APP_ID": "12", "APP_PARAMS": "TEST"}])";

TEST(Menu, SpecExampleFromABot) {
  EXPECT_EQ(plain(normalize_menu(json(kSpecExample), 12)), plain(json(R"([
    {"BOT_ID": 12, "TEXT": "Bitrix24", "LINK": "http://bitrix24.com", "DISABLED": "N", "CONTEXT": "ALL"},
    {"BOT_ID": 12, "TEXT": "Echo", "COMMAND": "echo", "COMMAND_PARAMS": "test from keyboard", "DISABLED": "N", "CONTEXT": "ALL"},
    {"BOT_ID": 12, "TEXT": "Open app", "APP_ID": 12, "APP_PARAMS": "TEST", "DISABLED": "N", "CONTEXT": "ALL"}])")));
}

TEST(Menu, CommandItemsNeedABot) {
  Value out = normalize_menu(json(kSpecExample), 0);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(out.get_list()[1]["TEXT"].get_string(), "Open app");
  expect_error(json(R"([{"TEXT": "Echo", "COMMAND": "echo"}])"), 0, "MENU_ERROR", "Incorrect menu params");
}

TEST(Menu, ItemsFormJsonStringAndOptions) {
  Value in(std::string(
      R"({"ITEMS":[{"TEXT":"Open Website","LINK":"https://example.com","DISABLED":"Y","CONTEXT":"DESKTOP"},{"TYPE":"NEWLINE"},{"TEXT":"Copy","ACTION":"COPY","ACTION_VALUE":"abc"}]})"));
  EXPECT_EQ(plain(normalize_menu(in, 0)), plain(json(R"([
    {"BOT_ID": 0, "TEXT": "Open Website", "LINK": "https://example.com", "DISABLED": "Y", "CONTEXT": "DESKTOP"},
    {"TYPE": "NEWLINE"},
    {"BOT_ID": 0, "TEXT": "Copy", "ACTION": "COPY", "ACTION_VALUE": "abc", "DISABLED": "N", "CONTEXT": "ALL"}])")));
}

TEST(Menu, MenuBotId) {
  Value out = normalize_menu(json(R"({"BOT_ID": "5", "ITEMS": [{"TEXT": "x", "COMMAND": "/x"}]})"), 0);
  EXPECT_EQ(out.get_list()[0]["BOT_ID"].get_int(), 5);
  EXPECT_EQ(out.get_list()[0]["COMMAND"].get_string(), "x");
}

TEST(Menu, Invalid) {
  expect_error(Value("N"), 0, "MENU_ERROR");
  expect_error(Value::list(), 0, "MENU_ERROR");
  expect_error(json(R"([{"TEXT": "x", "LINK": "javascript:alert"}])"), 0, "MENU_ERROR");
  expect_error(json(R"([{"LINK": "https://no-text.example/"}])"), 0, "MENU_ERROR");
  expect_error(json(R"({"ITEMS": [{"TYPE": "NEWLINE"}]})"), 0, "MENU_ERROR");
}

TEST(Menu, Oversize) {
  Value items = Value::list();
  for (int i = 0; i < 400; ++i) items.push_back(Value::object({{"TEXT", std::string(60, 'x')}, {"LINK", "/a"}}));
  expect_error(items, 0, "MENU_OVERSIZE", "You have exceeded the maximum allowable size of menu");
}

}  // namespace
}  // namespace imhub
