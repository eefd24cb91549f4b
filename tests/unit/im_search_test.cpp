// Unicode folding and word-prefix matching used by im.search.* (core/text_fold, im/search),
// and the activity throttle of im/presence.
#include <gtest/gtest.h>

#include "core/text_fold.hpp"
#include "im/presence.hpp"
#include "im/search.hpp"

namespace imhub {
namespace {

TEST(TextFold, FoldsCyrillicGreekAndLatin) {
  EXPECT_EQ(fold_case("Иван ПЕТРОВ"), "иван петров");
  EXPECT_EQ(fold_case("ΣΟΦΊΑ"), fold_case("σοφία"));
  EXPECT_EQ(fold_case("Straße"), fold_case("STRASSE"));
  EXPECT_EQ(fold_case("ÉCOLE"), "école");
  EXPECT_EQ(fold_case(""), "");
}

TEST(TextFold, ReplacesBrokenUtf8InsteadOfFailing) {
  std::string out = fold_case(std::string("A\xff") + "B");
  EXPECT_EQ(out.front(), 'a');
  EXPECT_EQ(out.back(), 'b');
}

TEST(TextFold, SplitsWordsAtPunctuationAndSpaces) {
  EXPECT_EQ(fold_words("New York branch / Bitrix24"), (std::vector<std::string>{"new", "york", "branch", "bitrix24"}));
  EXPECT_EQ(fold_words("  Анна-Мария  (QA), O'Neil"), (std::vector<std::string>{"анна", "мария", "qa", "o", "neil"}));
  EXPECT_TRUE(fold_words(" ... ").empty());
}

TEST(TextFold, CountsCodePoints) {
  EXPECT_EQ(utf8_length("ив"), 2u);
  EXPECT_EQ(utf8_length("иван"), 4u);
  EXPECT_EQ(utf8_length("abc"), 3u);
}

TEST(SearchMatch, EveryQueryWordMustBeginSomeWord) {
  const auto text = fold_words("John Harrington, Head of Sales");
  EXPECT_TRUE(words_match(fold_words("joh"), text));
  EXPECT_TRUE(words_match(fold_words("HARR john"), text));
  EXPECT_TRUE(words_match(fold_words("sal"), text));
  EXPECT_FALSE(words_match(fold_words("arrington"), text));  // not a word start
  EXPECT_FALSE(words_match(fold_words("john smith"), text));
  EXPECT_FALSE(words_match({}, text));
}

TEST(SearchMatch, CyrillicIsCaseInsensitive) {
  EXPECT_TRUE(words_match(fold_words("иван"), fold_words("Иван Петров")));
  EXPECT_TRUE(words_match(fold_words("ПЕТ"), fold_words("Иван Петров")));
  EXPECT_FALSE(words_match(fold_words("сидор"), fold_words("Иван Петров")));
}

TEST(Presence, AcceptsOnlyTheDocumentedLowerCaseStatuses) {
  for (const char* s : {"online", "dnd", "away", "break"}) EXPECT_TRUE(is_valid_status(s)) << s;
  for (const char* s : {"", "DND", "Online", "offline", "busy"}) EXPECT_FALSE(is_valid_status(s)) << s;
}

TEST(Presence, DoNotDisturbLooksOnlineToOthers) {
  Presence p;
  p.status = "dnd";
  EXPECT_EQ(visible_status(p), "online");
  p.status = "away";
  EXPECT_EQ(visible_status(p), "away");
}

TEST(Presence, ThrottleLetsOneWritePerIntervalPerUser) {
  ActivityThrottle t(60);
  EXPECT_TRUE(t.due(7, 1000));
  EXPECT_FALSE(t.due(7, 1030));
  EXPECT_TRUE(t.due(8, 1030));
  EXPECT_FALSE(t.due(7, 1059));
  EXPECT_TRUE(t.due(7, 1060));
  EXPECT_FALSE(t.due(7, 1100));
}

}  // namespace
}  // namespace imhub
