// The writer's caches of the message path (im/write_path_cache.hpp) must never let a message take
// a stale sequence or a former member write: every way the rows can change under them — this
// connection's other statements, a rolled-back unit, another process's commit — is exercised here.
#include <gtest/gtest.h>

#include "im/change_feed.hpp"
#include "im/message_actions.hpp"
#include "im/write_path_cache.hpp"
#include "store/write_path.hpp"
#include "temp_store.hpp"

namespace imhub {
namespace {

struct Chats {
  TempStore t;
  ChangeFeed feed;
  int64_t chat = 0;
  Chats() {
    t.store->write([&](Conn& c) {
      c.exec("INSERT INTO chats (type, title, owner_id, author_id, created_at) VALUES ('C', 't', 1, 1, 0)");
      chat = c.query_one("SELECT MAX(id) FROM chats")->i64(0);
      for (int64_t u : {1, 2})
        c.exec("INSERT INTO chat_members (chat_id, user_id, joined_at) VALUES ($1, $2, 0)", {chat, u});
    });
  }
  Sent send(int64_t author) {
    Send s;
    s.author = author;
    s.to = DialogRef{true, chat};
    s.text = "hello";
    return feed.write(*t.store, Cause{author, 0, ""}, [&](Tx& tx) { return send_message(tx, s); });
  }
  // Every message's seq, in id order, and the chat's head.
  std::vector<int64_t> seqs() {
    return t.store->read_with([&](Conn& c) {
      std::vector<int64_t> out;
      for (const Row& r : c.query("SELECT seq FROM messages WHERE chat_id = $1 ORDER BY id", {chat}))
        out.push_back(r.i64(0));
      return out;
    });
  }
  std::pair<int64_t, int64_t> head() {
    return t.store->read_with([&](Conn& c) {
      auto r = c.query_one("SELECT last_seq, last_message_id FROM chats WHERE id = $1", {chat});
      return std::pair{r->i64(0), r->i64(1)};
    });
  }
  int64_t last_id() {
    return t.store->read_with([&](Conn& c) { return c.query_one("SELECT MAX(id) FROM messages")->i64(0); });
  }
};

TEST(WriteEpoch, MovesForWrittenTablesRollbacksAndNotOtherwise) {
  TempStore t;
  t.store->write([](Conn& c) {
    const uint64_t chats = write_path(c)->write_epoch("chats");
    const uint64_t users = write_path(c)->write_epoch("users");
    c.exec("INSERT INTO departments (name, sort) VALUES ('d', 1)");
    EXPECT_EQ(write_path(c)->write_epoch("chats"), chats);
    EXPECT_EQ(write_path(c)->write_epoch("users"), users);
    c.query("SELECT * FROM chats");
    EXPECT_EQ(write_path(c)->write_epoch("chats"), chats) << "a read moves nothing";
    c.exec("UPDATE chats SET title = 'x' WHERE id = -1");
    EXPECT_GT(write_path(c)->write_epoch("chats"), chats);
    // The chat_members triggers write chats (members_version).
    const uint64_t before = write_path(c)->write_epoch("chats");
    c.exec("INSERT INTO chat_members (chat_id, user_id, joined_at) VALUES (-5, 1, 0)");
    EXPECT_GT(write_path(c)->write_epoch("chats"), before);
  });
  uint64_t seen = 0;
  t.store->write([&](Conn& c) { seen = write_path(c)->write_epoch("users"); });
  EXPECT_THROW(t.store->write([](Conn&) { throw std::runtime_error("rolled back"); }), std::runtime_error);
  t.store->write(
      [&](Conn& c) { EXPECT_GT(write_path(c)->write_epoch("users"), seen) << "a rollback moves every table"; });
  t.store->read([](Conn& c) { EXPECT_EQ(write_path(c), nullptr) << "read connections have none"; });
}

TEST(WritePathCache, SequencesStayExactAcrossRollbacksAndOtherWriters) {
  Chats f;
  ASSERT_EQ(f.send(1).status, MessageStatus::kOk);
  ASSERT_EQ(f.send(2).status, MessageStatus::kOk);
  // A unit that posts and then fails: its message and the head's move are rolled back.
  EXPECT_THROW(f.feed.write(*f.t.store, Cause{1, 0, ""},
                            [&](Tx& tx) {
                              Send s;
                              s.author = 1;
                              s.to = DialogRef{true, f.chat};
                              s.text = "lost";
                              send_message(tx, s);
                              throw std::runtime_error("rolled back");
                            }),
               std::runtime_error);
  ASSERT_EQ(f.send(1).status, MessageStatus::kOk);
  // Another process (the CLI) moves the head behind the server's back.
  {
    SqliteOptions o;
    o.path = (f.t.dir / "t.db").string();
    auto other = open_sqlite_store(o);
    other->write([&](Conn& c) {
      c.exec("INSERT INTO messages (chat_id, seq, author_id, text, created_at) VALUES ($1, 4, 1, 'cli', 0)", {f.chat});
      c.exec("UPDATE chats SET last_seq = 4, last_message_id = (SELECT MAX(id) FROM messages) WHERE id = $1", {f.chat});
    });
    other->close();
  }
  ASSERT_EQ(f.send(2).status, MessageStatus::kOk);
  // The server's own other statements on chats (a rename here) drop the cache, too.
  f.t.store->write(
      [&](Conn& c) { c.exec("UPDATE chats SET title = 'renamed', last_seq = 10 WHERE id = $1", {f.chat}); });
  ASSERT_EQ(f.send(1).status, MessageStatus::kOk);
  EXPECT_EQ(f.seqs(), (std::vector<int64_t>{1, 2, 3, 4, 5, 11}));
  EXPECT_EQ(f.head(), (std::pair<int64_t, int64_t>{11, f.last_id()}));
}

TEST(WritePathCache, AFormerMemberCannotWrite) {
  Chats f;
  ASSERT_EQ(f.send(2).status, MessageStatus::kOk);
  f.t.store->write([&](Conn& c) { c.exec("DELETE FROM chat_members WHERE chat_id = $1 AND user_id = 2", {f.chat}); });
  EXPECT_EQ(f.send(2).status, MessageStatus::kNoAccess);
  // And one who joins can, at once.
  f.t.store->write(
      [&](Conn& c) { c.exec("INSERT INTO chat_members (chat_id, user_id, joined_at) VALUES ($1, 3, 0)", {f.chat}); });
  EXPECT_EQ(f.send(3).status, MessageStatus::kOk);
  // A membership removed by another process.
  {
    SqliteOptions o;
    o.path = (f.t.dir / "t.db").string();
    auto other = open_sqlite_store(o);
    other->write([&](Conn& c) { c.exec("DELETE FROM chat_members WHERE chat_id = $1 AND user_id = 3", {f.chat}); });
    other->close();
  }
  EXPECT_EQ(f.send(3).status, MessageStatus::kNoAccess);
}

}  // namespace
}  // namespace imhub
