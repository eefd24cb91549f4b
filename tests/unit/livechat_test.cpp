// The live chat's pure rules: what a guest and a visitor may call (protocol-openlines.md §8.2) and
// what a visitor hash looks like. The whole flow is tests/integration/openlines_widget.test.mjs.
#include <gtest/gtest.h>

#include "openlines/livechat.hpp"
#include "rest/livechat_gate.hpp"

namespace imhub {

TEST(LivechatGate, GuestsRegisterAndRead) {
  for (const char* m :
       {"imopenlines.widget.user.register", "imopenlines.widget.config.get", "imopenlines.widget.user.get",
        "imopenlines.widget.dialog.get", "im.dialog.messages.get", "im.chat.get", "server.time", "pull.config.get"})
    EXPECT_TRUE(livechat_allows(m, true)) << m;
  for (const char* m : {"im.message.add", "imopenlines.widget.vote.send", "pull.watch.extend", "im.dialog.writing"})
    EXPECT_FALSE(livechat_allows(m, true)) << m;
}

TEST(LivechatGate, VisitorsAlsoWriteAndRate) {
  for (const char* m :
       {"im.message.add", "im.message.update", "im.message.delete", "im.dialog.writing", "imopenlines.widget.vote.send",
        "imopenlines.widget.operator.get", "pull.watch.extend", "imopenlines.widget.config.get"})
    EXPECT_TRUE(livechat_allows(m, false)) << m;
  // Nothing beyond the two lists: not the operators' methods, not the rest of im.
  for (const char* m : {"im.recent.get", "im.chat.add", "imopenlines.operator.answer", "imopenlines.dialog.get",
                        "user.get", "im.message.command", "IM.MESSAGE.ADD", ""})
    EXPECT_FALSE(livechat_allows(m, false)) << m;
}

TEST(LivechatVisitor, HashIsThirtyTwoHexDigits) {
  EXPECT_TRUE(is_visitor_hash("0123456789abcdef0123456789ABCDEF"));
  EXPECT_FALSE(is_visitor_hash("guest"));
  EXPECT_FALSE(is_visitor_hash("0123456789abcdef0123456789abcde"));    // 31
  EXPECT_FALSE(is_visitor_hash("0123456789abcdef0123456789abcdef0"));  // 33
  EXPECT_FALSE(is_visitor_hash("0123456789abcdef0123456789abcdeg"));
  EXPECT_FALSE(is_visitor_hash(""));
}

}  // namespace imhub
