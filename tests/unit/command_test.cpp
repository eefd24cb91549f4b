// Bot commands (src/bots/command.*): names, LANG as the platform stores it, and which text calls a
// command; the answer prefix of system-style answers.
#include <gtest/gtest.h>

#include "bots/command.hpp"
#include "bots/command_answer.hpp"
#include "core/json.hpp"

namespace imhub {
namespace {

TEST(CommandTest, NameDropsTheSlashAndBlanks) {
  EXPECT_EQ(command_name("/echo"), "echo");
  EXPECT_EQ(command_name("  /echo "), "echo");
  EXPECT_EQ(command_name("help"), "help");
  EXPECT_EQ(command_name("/"), "");
  EXPECT_EQ(command_name(" / "), "");
}

TEST(CommandTest, LangKeepsEntriesWithLanguageAndTitle) {
  Value lang = *parse_json(
      R"([{"LANGUAGE_ID":"EN","TITLE":"Echo","PARAMS":"text"},{"TITLE":"no language"},{"LANGUAGE_ID":"de"},)"
      R"({"language_id":"ru","title":"Эхо"},"junk"])");
  Value out = normalize_command_lang(lang);
  ASSERT_EQ(out.size(), 2u);
  EXPECT_EQ(to_json(out.elements()[0]->is_map() ? *out.elements()[0] : Value()),
            R"({"LANGUAGE_ID":"en","TITLE":"Echo","PARAMS":"text"})");
  EXPECT_EQ((*out.elements()[1])["LANGUAGE_ID"].to_string(), "ru");
  EXPECT_EQ((*out.elements()[1])["TITLE"].to_string(), "Эхо");
  EXPECT_EQ((*out.elements()[1])["PARAMS"].to_string(), "");
}

TEST(CommandTest, LangAcceptsJsonTextAndIndexedMaps) {
  EXPECT_EQ(normalize_command_lang(Value(R"([{"LANGUAGE_ID":"en","TITLE":"A"}])")).size(), 1u);
  Value form = Value::map();
  form["0"] = Value::object({{"LANGUAGE_ID", Value("en")}, {"TITLE", Value("A")}});
  EXPECT_EQ(normalize_command_lang(form).size(), 1u);
  EXPECT_EQ(normalize_command_lang(Value("not json")).size(), 0u);
}

TEST(CommandTest, TextCallsCommandAtTheStartOfALine) {
  EXPECT_TRUE(text_calls_command("/echo", "echo"));
  EXPECT_TRUE(text_calls_command("/echo hello", "echo"));
  EXPECT_TRUE(text_calls_command("look:\n/echo hello", "echo"));
  EXPECT_TRUE(text_calls_command("a\r\n/echo\r\nb", "echo"));
  EXPECT_FALSE(text_calls_command("/echoes", "echo"));
  EXPECT_FALSE(text_calls_command("say /echo", "echo"));
  EXPECT_FALSE(text_calls_command("/Echo", "echo"));
  EXPECT_FALSE(text_calls_command("", "echo"));
  EXPECT_FALSE(text_calls_command("/", ""));
}

TEST(CommandTest, AnswerPrefixNamesTheBot) { EXPECT_EQ(command_answer_prefix(39), "[USER=39][/USER] Chat Bot:\n"); }

}  // namespace
}  // namespace imhub
