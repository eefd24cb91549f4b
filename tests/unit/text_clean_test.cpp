#include "text/text_clean.hpp"

#include <gtest/gtest.h>

#include <chrono>

namespace imhub {
namespace {

std::string clean(std::string_view text, bool attach = false, bool files = false) {
  return clean_message_text(text, attach, files);
}

const std::string kDashes(54, '-');

TEST(TextClean, PlainTextIsKept) { EXPECT_EQ(clean("Hello world"), "Hello world"); }

TEST(TextClean, NewlinesAndBrBecomeSpaces) {
  EXPECT_EQ(clean("one\ntwo\r\nthree"), "one two three");
  EXPECT_EQ(clean("one#BR#two"), "one two");
  EXPECT_EQ(clean("\n\nx\n"), "x");
}

TEST(TextClean, StrikeGoesWithItsContent) {
  EXPECT_EQ(clean("keep [s]drop[/s] this"), "keep  this");
  EXPECT_EQ(clean("[S]Drop[/S]rest"), "rest");
  EXPECT_EQ(clean("a [s]one[/s] b [s]two[/s] c"), "a  b  c");
}

TEST(TextClean, BoldUnderlineItalic) {
  EXPECT_EQ(clean("[b]bold[/b] [u]under[/u] [i]it[/i]"), "bold under it");
  EXPECT_EQ(clean("[B]x[/B]"), "x");
  EXPECT_EQ(clean("[b][i]both[/i][/b]"), "both");
  EXPECT_EQ(clean("[b]one[/b] and [b]two[/b]"), "one and two");
  EXPECT_EQ(clean("[b]unclosed"), "[b]unclosed");
  EXPECT_EQ(clean("[bold]x[/bold]"), "[bold]x[/bold]");
}

TEST(TextClean, Urls) {
  EXPECT_EQ(clean("[url]http://a.example[/url]"), "http://a.example");
  EXPECT_EQ(clean("see [URL=http://bitrix24.com]Link to Bitrix24[/URL]!"), "see Link to Bitrix24!");
}

TEST(TextClean, Users) {
  EXPECT_EQ(clean("hi [USER=5]Alexandra[/USER]"), "hi Alexandra");
  EXPECT_EQ(clean("[USER=503 REPLACE]Klaus Weber[/USER] invited"), "Klaus Weber invited");
  EXPECT_EQ(clean_message_text("hi [USER=7][/USER]", false, false,
                               [](int64_t id) { return id == 7 ? std::string("John Doe") : std::string(); }),
            "hi John Doe");
  EXPECT_EQ(clean("hi [USER=7][/USER]"), "hi");
  EXPECT_EQ(clean("[USER=all]everyone[/USER]"), "[USER=all]everyone[/USER]");
}

TEST(TextClean, ChatSendPutCallPch) {
  EXPECT_EQ(clean("[CHAT=12]link[/CHAT]"), "link");
  EXPECT_EQ(clean("[chat=imol|34]session[/chat]"), "[chat=imol|34]session[/chat]");
  EXPECT_EQ(clean("[send=text]button caption[/send]"), "button caption");
  EXPECT_EQ(clean("[put=/search]Enter search text[/put]"), "Enter search text");
  EXPECT_EQ(clean("[CALL=18012334455]call[/CALL]"), "call");
  EXPECT_EQ(clean("[call]18012334455[/call]"), "18012334455");
  EXPECT_EQ(clean("[PCH=3]history[/PCH]"), "history");
}

TEST(TextClean, DialogAndContext) {
  EXPECT_EQ(clean("[dialog=chat5]the chat[/dialog]"), "the chat");
  EXPECT_EQ(clean("[dialog=1:2 message=77]that message[/dialog]"), "that message");
  EXPECT_EQ(clean("[context=chat5/100]quoted[/context]"), "quoted");
  EXPECT_EQ(clean("[context=1:2/100]quoted[/context]"), "quoted");
}

TEST(TextClean, SizeAndColor) {
  EXPECT_EQ(clean("[size=20]big[/size]"), "big");
  EXPECT_EQ(clean("[color=#ff0000]red[/color] [color=#f00]red[/color]"), "red red");
  EXPECT_EQ(clean("[color=red]x[/color]"), "[color=red]x[/color]");
}

TEST(TextClean, Icons) {
  EXPECT_EQ(clean("[ICON=https://x.example/i.png size=20 title=Thumbs up]"), "(Thumbs up)");
  EXPECT_EQ(clean("[icon=https://x.example/i.png title=Wave width=20 height=20]"), "(Wave)");
  EXPECT_EQ(clean("[ICON=https://x.example/i.png size=20]"), "(icon)");
}

TEST(TextClean, RatingAndAttachPlaceholders) {
  EXPECT_EQ(clean("rated [RATING=5]"), "rated  [Rating]");
  EXPECT_EQ(clean("[RATING=9]"), "[RATING=9]");
  EXPECT_EQ(clean("Message with middle attach [ATTACH=1] from bot"),
            "Message with middle attach  [Attachment]  from bot");
}

TEST(TextClean, QuoteBlock) {
  const std::string quote = kDashes + "\nJohn Smith [01.02.2024 10:00:00]\nold text\n" + kDashes + "\nmy answer";
  EXPECT_EQ(clean(quote), "[Quote]  my answer");
  EXPECT_EQ(clean(kDashes + " only one line"), kDashes + " only one line");
}

TEST(TextClean, MessageWithAttachOrFiles) {
  // SPEC im.recent.get: "New deal created [Attachment]".
  EXPECT_EQ(clean("New deal created", true), "New deal created [Attachment]");
  EXPECT_EQ(clean("", true), "[Attachment]");
  EXPECT_EQ(clean("", false, true), "[File]");
  EXPECT_EQ(clean("photo", false, true), "photo [File]");
  EXPECT_EQ(clean("both", true, true), "both [Attachment] [File]");
}

TEST(TextClean, EmptyIsDeleted) {
  EXPECT_EQ(clean(""), "Message deleted");
  EXPECT_EQ(clean("  \n "), "Message deleted");
  EXPECT_EQ(clean("[s]all gone[/s]"), "Message deleted");
}

TEST(TextClean, UnknownTagsStay) {
  EXPECT_EQ(clean("[code]x = 1[/code] [quote]q[/quote]"), "[code]x = 1[/code] [quote]q[/quote]");
}

TEST(TextClean, LongTextDoesNotRecurse) {
  std::string text;
  for (int i = 0; i < 3000; ++i) text += "[b]x[/b]\n";
  EXPECT_EQ(clean(text).size(), 3000u * 2 - 1);
}

TEST(TextClean, ManyUnclosedTagsStayLinear) {
  std::string text;
  for (int i = 0; i < 5000; ++i) text += "[b][USER=1][color=#fff]";
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(clean(text), text);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(1));
}

}  // namespace
}  // namespace imhub
