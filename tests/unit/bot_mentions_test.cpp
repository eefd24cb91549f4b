#include "bots/mentions.hpp"

#include <gtest/gtest.h>

namespace imhub {
namespace {

using Ids = std::vector<int64_t>;

TEST(BotMentions, FindsMentionsInOrderOnce) {
  EXPECT_EQ(mentioned_user_ids("[USER=5]Bot[/USER], hi [user=7]x[/user] and [USER=5]again[/USER]"), (Ids{5, 7}));
  EXPECT_EQ(mentioned_user_ids("[USER=12][/USER]"), (Ids{12}));  // an empty name still mentions
  EXPECT_EQ(mentioned_user_ids("no mention"), Ids{});
}

TEST(BotMentions, IgnoresWhatThePlatformIgnores) {
  EXPECT_EQ(mentioned_user_ids("[USER=5 REPLACE]Bot[/USER]"), Ids{});  // system-message form
  EXPECT_EQ(mentioned_user_ids("[USER=5]Bot\n[/USER]"), Ids{});        // a mention stays on its line
  EXPECT_EQ(mentioned_user_ids("[USER=x]Bot[/USER] [USER=]a[/USER]"), Ids{});
  EXPECT_EQ(mentioned_user_ids("[USER=5]never closed"), Ids{});
  EXPECT_EQ(first_mentioned_user("plain"), std::nullopt);
  EXPECT_EQ(first_mentioned_user("a [USER=9]n[/USER] [USER=3]m[/USER]"), 9);
}

TEST(BotMentions, StripsMentionsLikeTheReferenceExample) {
  // on-imbot-message-add.md: "[USER=567]NewBot[/USER] , how to set up the left menu".
  EXPECT_EQ(strip_mentions("[USER=567]NewBot[/USER] , how to set up the left menu"), ", how to set up the left menu");
  EXPECT_EQ(strip_mentions("[USER=571]NewBot[/USER], create a task list"), "create a task list");
  EXPECT_EQ(strip_mentions("ask [USER=1]A[/USER] and [USER=2]B[/USER]"), "ask  and");
  EXPECT_EQ(strip_mentions("  [B]bold[/B]  "), "[B]bold[/B]");
  // The removal is case-sensitive and needs a name, as `#\[(USER)=\d+\].+?\[/(USER)\],?#` does.
  EXPECT_EQ(strip_mentions("[user=5]x[/user] hi"), "[user=5]x[/user] hi");
  EXPECT_EQ(strip_mentions("[USER=5][/USER] hi"), "[USER=5][/USER] hi");
  EXPECT_EQ(strip_mentions("[USER=5]a\nb[/USER] c"), "[USER=5]a\nb[/USER] c");
}

TEST(BotCommands, ReadsEverySlashLine) {
  auto lines = command_lines("/echo test me\nplain\n/time\n/ \n/x  two spaces");
  ASSERT_EQ(lines.size(), 4u);
  EXPECT_EQ(lines[0].command, "echo");
  EXPECT_EQ(lines[0].params, "test me");
  EXPECT_EQ(lines[1].command, "time");
  EXPECT_EQ(lines[1].params, "");
  EXPECT_EQ(lines[2].command, "");
  EXPECT_EQ(lines[2].params, "");
  EXPECT_EQ(lines[3].command, "x");
  EXPECT_EQ(lines[3].params, " two spaces");  // one space separates, the rest is params
  EXPECT_TRUE(command_lines("no /command here").empty());
  EXPECT_TRUE(command_lines("").empty());
}

}  // namespace
}  // namespace imhub
