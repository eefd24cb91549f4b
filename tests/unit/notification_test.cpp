#include "notify/notification.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "store/sqlite/sqlite_store.hpp"

namespace imhub {
namespace {

class NotificationTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("imhub-notify-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    std::filesystem::create_directories(dir_);
    SqliteOptions o;
    o.path = (dir_ / "t.db").string();
    store_ = open_sqlite_store(o);
  }
  void TearDown() override {
    store_->close();
    std::filesystem::remove_all(dir_);
  }

  int64_t add(NewNotification n) {
    return feed_.write(*store_, Cause{}, [&](Tx& tx) { return add_notification(tx, n); });
  }
  int64_t add_to(int64_t user, std::string tag = "", NotifyType type = NotifyType::kSystem) {
    NewNotification n;
    n.user_id = user;
    n.type = type;
    n.text = "hello";
    n.tag = std::move(tag);
    if (type == NotifyType::kConfirm)
      n.buttons = {{"Accept", "Y", "accept", "Invitation accepted"}, {"Deny", "N", "cancel", ""}};
    return add(n);
  }
  int64_t unread(int64_t user) {
    return store_->read_with([&](Conn& c) { return unread_notification_count(c, user); });
  }
  bool exists(int64_t id) {
    return store_->read_with([&](Conn& c) { return find_notification(c, id).has_value(); });
  }
  bool set_read(int64_t user, int64_t id, bool read, bool and_later) {
    return feed_.write(*store_, Cause{}, [&](Tx& tx) { return set_notifications_read(tx, user, id, read, and_later); });
  }

  std::filesystem::path dir_;
  std::unique_ptr<Store> store_;
  ChangeFeed feed_;  // no subscribers: the notification rules alone
};

TEST(NotifyTag, NamespacedByApplication) {
  // md5("app.1") = "a3b4f..." is not asserted literally; the form and the 5-digit key are.
  std::string tag = app_notify_tag("app.1", "TASK|42");
  ASSERT_EQ(tag.substr(0, 3), "MP|");
  EXPECT_EQ(tag.size(), 3 + 5 + 1 + 7);
  EXPECT_EQ(tag.substr(9), "TASK|42");
  EXPECT_NE(app_notify_tag("app.2", "TASK|42"), tag);
  EXPECT_EQ(app_notify_tag("", "X"), "MP|d41d8|X");  // md5("") = d41d8cd9...
}

TEST_F(NotificationTest, TagReplacesOnlyTheRecipientsOwn) {
  int64_t a1 = add_to(2, "MP|abcde|T");
  int64_t b1 = add_to(3, "MP|abcde|T");
  int64_t a2 = add_to(2, "MP|abcde|T");
  EXPECT_FALSE(exists(a1));
  EXPECT_TRUE(exists(b1));
  EXPECT_TRUE(exists(a2));
  EXPECT_EQ(unread(2), 1);
  EXPECT_EQ(unread(3), 1);
}

TEST_F(NotificationTest, ConfirmNeedsButtonsAndAnswerNeedsAnAuthor) {
  NewNotification n;
  n.user_id = 2;
  n.text = "x";
  n.type = NotifyType::kConfirm;
  EXPECT_THROW(add(n), std::invalid_argument);
  n.type = NotifyType::kSystem;
  n.answerable = true;
  EXPECT_THROW(add(n), std::invalid_argument);
}

TEST_F(NotificationTest, ReadMarksSkipConfirmAndFollowTags) {
  int64_t n1 = add_to(2);
  int64_t confirm = add_to(2, "", NotifyType::kConfirm);
  int64_t n3 = add_to(2);
  add_to(2);
  EXPECT_EQ(unread(2), 4);
  EXPECT_TRUE(set_read(2, n3, true, false));
  EXPECT_EQ(unread(2), 3);
  EXPECT_FALSE(set_read(2, n3, true, false));  // nothing left to change
  EXPECT_TRUE(set_read(2, n1, true, true));    // n1 and later, confirm excluded
  EXPECT_EQ(unread(2), 1);
  EXPECT_FALSE(set_read(2, confirm, true, false));
  EXPECT_TRUE(set_read(2, n1, false, true));  // unread n1 and later (not the confirm)
  EXPECT_EQ(unread(2), 4);
  EXPECT_FALSE(set_read(3, n1, true, true));  // not user 3's
  EXPECT_EQ(unread(2), 4);
  EXPECT_TRUE(set_read(2, 0, true, true));  // all
  EXPECT_EQ(unread(2), 1);
  EXPECT_FALSE(set_read(2, 0, false, true));  // "all" is for reading only
}

TEST_F(NotificationTest, ReadingATaggedNotificationReadsItsTagMates) {
  // add_notification never leaves two with one tag, but older rows may share one (and the
  // platform handles that case), so the second is written directly.
  int64_t a = add_to(2, "MP|k|T");
  int64_t b = store_->write_with([&](Conn& c) {
    c.exec("INSERT INTO notifications (user_id, type, tag, text, created_at) VALUES (2, 4, 'MP|k|T', 'b', 1)");
    return c.query_one("SELECT MAX(id) FROM notifications")->i64(0);
  });
  EXPECT_EQ(unread(2), 2);
  EXPECT_TRUE(set_read(2, a, true, false));
  EXPECT_EQ(unread(2), 0);
  EXPECT_TRUE(set_read(2, b, false, false));
  EXPECT_EQ(unread(2), 2);
}

TEST_F(NotificationTest, ConfirmAnswersWithTheButtonAndRemovesTheQuestion) {
  int64_t id = add_to(2, "", NotifyType::kConfirm);
  int64_t other = add_to(2, "", NotifyType::kConfirm);
  int64_t plain = add_to(2);
  auto confirm = [&](int64_t user, int64_t nid, std::string v) {
    return feed_.write(*store_, Cause{}, [&](Tx& tx) { return confirm_notification(tx, user, nid, v); });
  };
  EXPECT_FALSE(confirm(3, id, "Y").has_value());  // not user 3's
  EXPECT_FALSE(confirm(2, plain, "Y").has_value());
  EXPECT_EQ(unread(2), 3);
  EXPECT_EQ(*confirm(2, id, "Y"), std::vector<std::string>{"Invitation accepted"});
  EXPECT_FALSE(exists(id));
  EXPECT_EQ(*confirm(2, other, "N"), std::vector<std::string>{"Your selection: \"Deny\""});
  EXPECT_EQ(unread(2), 1);
}

TEST_F(NotificationTest, AnswerGoesToTheAuthorAsAPrivateMessage) {
  store_->write([](Conn& c) {
    c.exec("INSERT INTO users (id, name, date_register, timestamp_x) VALUES (2, 'Ann', 1, 1), (3, 'Bob', 1, 1)");
  });
  NewNotification n;
  n.user_id = 2;
  n.author_id = 3;
  n.type = NotifyType::kFromUser;
  n.text = "Lunch?";
  n.answerable = true;
  int64_t id = add(n);
  int64_t plain = add_to(2);
  auto answer = [&](int64_t user, int64_t nid, std::string text) {
    return feed_.write(*store_, Cause{}, [&](Tx& tx) { return answer_notification(tx, user, nid, text); });
  };
  EXPECT_FALSE(answer(2, plain, "yes").has_value());
  EXPECT_FALSE(answer(3, id, "yes").has_value());
  EXPECT_FALSE(answer(2, id, "   ").has_value());
  auto result = answer(2, id, " Sure ");
  ASSERT_TRUE(result.has_value());
  EXPECT_EQ(result->size(), 1u);
  auto row = store_->read_with([](Conn& c) {
    return c.query_one("SELECT m.author_id, m.text, ch.type FROM messages m JOIN chats ch ON ch.id = m.chat_id");
  });
  ASSERT_TRUE(row.has_value());
  EXPECT_EQ(row->i64(0), 2);
  EXPECT_EQ(row->str(1), "Sure");
  EXPECT_EQ(row->str(2), "P");
}

}  // namespace
}  // namespace imhub
