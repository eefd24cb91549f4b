// The change feed (im/change_feed.hpp): in-transaction subscribers see each change inside the
// write, after-commit subscribers see a unit's changes once it is durable, a rolled-back unit
// publishes nothing, and domain functions raise what they change.
#include "im/change_feed.hpp"

#include <gtest/gtest.h>

#include <stdexcept>
#include <vector>

#include "im/chat.hpp"
#include "im/chat_change.hpp"
#include "im/message_actions.hpp"
#include "im/message_post.hpp"
#include "temp_store.hpp"

namespace imhub {
namespace {

struct Recorder {
  std::vector<size_t> in_tx;  // variant index of each change, as raised
  std::vector<std::vector<size_t>> commits;
  std::vector<int64_t> causes;
  void attach(ChangeFeed& feed) {
    feed.on_change([this](Tx& tx, const Change& c) {
      in_tx.push_back(c.index());
      causes.push_back(tx.cause().user_id);
    });
    feed.after_commit([this](uint64_t, const Cause&, const Changes& changes) {
      std::vector<size_t> kinds;
      for (const Change& c : changes) kinds.push_back(c.index());
      commits.push_back(kinds);
    });
  }
};

template <class T>
size_t kind() {
  return Change(T{}).index();
}

class ChangeFeedTest : public ::testing::Test {
 protected:
  void SetUp() override { rec.attach(feed); }
  int64_t make_chat(std::vector<int64_t> members) {
    return feed.write(*ts.store, Cause{members.front()}, [&](Tx& tx) {
      Chat chat;
      chat.type = "C";
      chat.title = "T";
      chat.color = "MINT";
      chat.owner_id = members.front();
      chat.author_id = members.front();
      return insert_chat(tx, chat, members);
    });
  }
  TempStore ts;
  ChangeFeed feed;
  Recorder rec;
};

TEST_F(ChangeFeedTest, ChatCreationIsRaisedInTheTransactionAndPublishedAfterTheCommit) {
  make_chat({1, 2});
  ASSERT_EQ(rec.in_tx, std::vector<size_t>{kind<ChatCreated>()});
  ASSERT_EQ(rec.commits.size(), 1u);
  EXPECT_EQ(rec.commits[0], std::vector<size_t>{kind<ChatCreated>()});
  EXPECT_EQ(rec.causes, std::vector<int64_t>{1});
}

TEST_F(ChangeFeedTest, ARolledBackUnitPublishesNothing) {
  const int64_t chat = make_chat({1, 2});
  rec.in_tx.clear();
  rec.commits.clear();
  EXPECT_THROW(feed.write(*ts.store, Cause{1},
                          [&](Tx& tx) {
                            post_message(tx, NewMessage{chat, 1, "hi", "", false, ""});
                            throw std::runtime_error("refused");
                          }),
               std::runtime_error);
  EXPECT_EQ(rec.in_tx, std::vector<size_t>{kind<MessageAdded>()});
  EXPECT_TRUE(rec.commits.empty());
  const int64_t messages =
      ts.store->read_with([&](Conn& c) { return c.query_one("SELECT COUNT(*) FROM messages")->i64(0); });
  EXPECT_EQ(messages, 0) << "the raise did not outlive its rollback";
}

TEST_F(ChangeFeedTest, AChatChangeRaisesItsSystemMessageThenTheChange) {
  const int64_t chat = make_chat({1, 2});
  rec.in_tx.clear();
  rec.commits.clear();
  const NameOf names = [](int64_t id) { return "U" + std::to_string(id); };
  ASSERT_EQ(feed.write(*ts.store, Cause{1}, [&](Tx& tx) { return rename_chat(tx, chat, 1, "New", names); }),
            ChangeStatus::kOk);
  EXPECT_EQ(rec.in_tx, (std::vector<size_t>{kind<MessageAdded>(), kind<ChatChanged>()}));
  ASSERT_EQ(rec.commits.size(), 1u);
  EXPECT_EQ(rec.commits[0].size(), 2u) << "one commit carries both";
  // Unchanged: nothing raised.
  rec.in_tx.clear();
  ASSERT_EQ(feed.write(*ts.store, Cause{1}, [&](Tx& tx) { return rename_chat(tx, chat, 1, "New", names); }),
            ChangeStatus::kUnchanged);
  EXPECT_TRUE(rec.in_tx.empty());
}

TEST_F(ChangeFeedTest, MessageActionsRaiseTheirChanges) {
  const int64_t chat = make_chat({1, 2});
  rec.in_tx.clear();
  Send s;
  s.author = 1;
  s.to = DialogRef{true, chat};
  s.text = "hello";
  const Sent sent = feed.write(*ts.store, Cause{1}, [&](Tx& tx) { return send_message(tx, s); });
  ASSERT_EQ(sent.status, MessageStatus::kOk);
  Edit e;
  e.text = "hello again";
  EXPECT_EQ(feed.write(*ts.store, Cause{1}, [&](Tx& tx) { return edit_message(tx, sent.id, 1, e); }),
            MessageStatus::kOk);
  EXPECT_EQ(feed.write(*ts.store, Cause{2}, [&](Tx& tx) { return like_message(tx, sent.id, 2, "plus"); }),
            MessageStatus::kOk);
  EXPECT_EQ(feed.write(*ts.store, Cause{2}, [&](Tx& tx) { return edit_message(tx, sent.id, 2, e); }),
            MessageStatus::kForbidden)
      << "only the author edits";
  EXPECT_EQ(feed.write(*ts.store, Cause{1}, [&](Tx& tx) { return delete_message(tx, sent.id, 1, false); }),
            MessageStatus::kOk);
  EXPECT_EQ(rec.in_tx, (std::vector<size_t>{kind<MessageAdded>(), kind<MessageUpdated>(), kind<MessageLiked>(),
                                            kind<MessageDeleted>()}));
}

TEST_F(ChangeFeedTest, AnnouncedChangesArePublishedWithoutAWrite) {
  feed.announce(Cause{3}, Typing{7, 3});
  EXPECT_TRUE(rec.in_tx.empty());
  ASSERT_EQ(rec.commits.size(), 1u);
  EXPECT_EQ(rec.commits[0], std::vector<size_t>{kind<Typing>()});
}

TEST(ChangeScope, NamesTheChatOrTheUser) {
  EXPECT_EQ(scope_of(ChatRead{5, 9, 1}).chat_id, 5);
  EXPECT_EQ(scope_of(ChatRead{5, 9, 1}).user_id, 9);
  EXPECT_EQ(scope_of(NotificationChanged{4}).user_id, 4);
  EXPECT_EQ(scope_of(NotificationChanged{4}).chat_id, 0);
}

}  // namespace
}  // namespace imhub
