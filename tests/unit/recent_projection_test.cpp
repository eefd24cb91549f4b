// The users' recent lists (views/recent_projection.hpp) stand only while nothing they show was
// written: the SQLite store's row reports (store/row_reports.hpp) must name every row a commit
// wrote — triggers' writes included — before the write is answered, and another process's
// writes must show through foreign_epoch.
#include <gtest/gtest.h>

#include <algorithm>
#include <utility>

#include "store/row_reports.hpp"
#include "temp_store.hpp"
#include "views/recent_projection.hpp"

namespace imhub {
namespace {

int64_t add_chat(Store& s) {
  int64_t chat = 0;
  s.write([&](Conn& c) {
    c.exec("INSERT INTO chats (type, title, owner_id, author_id, created_at) VALUES ('C', 't', 1, 1, 0)");
    chat = c.query_one("SELECT MAX(id) FROM chats")->i64(0);
  });
  return chat;
}

TEST(RowReports, NameTheRowsACommitWroteTriggersIncludedBeforeTheWriteReturns) {
  TempStore t;
  auto* reports = dynamic_cast<RowReports*>(t.store.get());
  ASSERT_NE(reports, nullptr);
  std::vector<std::pair<int, int64_t>> seen;
  reports->watch_rows({{"chats", "rowid"}, {"chat_members", "user_id"}}, [&](const std::vector<RowKey>& keys) {
    for (const RowKey& k : keys) seen.emplace_back(k.watch, k.value);
  });
  const int64_t chat = add_chat(*t.store);
  EXPECT_NE(std::find(seen.begin(), seen.end(), std::make_pair(0, chat)), seen.end());
  seen.clear();
  // The member row, and the chats row its members_version trigger (migration 28) moves.
  t.store->write(
      [&](Conn& c) { c.exec("INSERT INTO chat_members (chat_id, user_id, joined_at) VALUES ($1, 7, 0)", {chat}); });
  EXPECT_NE(std::find(seen.begin(), seen.end(), std::make_pair(1, int64_t{7})), seen.end());
  EXPECT_NE(std::find(seen.begin(), seen.end(), std::make_pair(0, chat)), seen.end());
  seen.clear();
  t.store->write([&](Conn& c) { c.exec("UPDATE chat_members SET pinned = 1 WHERE user_id = 7"); });
  EXPECT_EQ(seen, (std::vector<std::pair<int, int64_t>>{{1, 7}}));
  seen.clear();
  t.store->write([&](Conn& c) { c.exec("DELETE FROM chat_members WHERE user_id = 7"); });
  EXPECT_NE(std::find(seen.begin(), seen.end(), std::make_pair(1, int64_t{7})), seen.end());
  seen.clear();
  t.store->write([&](Conn& c) { c.exec("UPDATE chat_members SET pinned = 0 WHERE user_id = -1"); });  // no row
  EXPECT_TRUE(seen.empty());
}

TEST(RowReports, ForeignEpochMovesForAnotherProcessOnly) {
  TempStore t;
  auto* reports = dynamic_cast<RowReports*>(t.store.get());
  ASSERT_NE(reports, nullptr);
  const uint64_t before = reports->foreign_epoch("chats");
  add_chat(*t.store);
  EXPECT_EQ(reports->foreign_epoch("chats"), before);
  EXPECT_NE(t.store->table_epoch("chats"), 0u);
  {
    SqliteOptions o;
    o.path = (t.dir / "t.db").string();
    o.synchronous_full = false;
    auto other = open_sqlite_store(o);  // another process, as far as the counters can tell
    add_chat(*other);
    other->close();
  }
  EXPECT_NE(reports->foreign_epoch("chats"), before);
}

struct Lists {
  TempStore t;
  RecentProjection p{*t.store, 1 << 20};
  int64_t mine = 0, theirs = 0, theirs_hidden = 0;
  Lists() {
    mine = add_chat(*t.store);
    theirs = add_chat(*t.store);
    theirs_hidden = add_chat(*t.store);
  }
  // A list of user 1 (member of `mine` and of `theirs_hidden`, hidden there) with one item, in
  // `mine`, showing user 2; stamped now.
  void keep() {
    auto list = std::make_shared<RecentList>();
    list->stamp = p.stamp();
    list->chats = {mine, theirs_hidden};
    list->items.push_back(
        RecentListItem{RecentKeys{.chat_id = mine, .type = "C"}, std::make_shared<const std::string>("{}"), 2});
    p.put(1, 0, list);
  }
  // Kept and usable as it is.
  bool held() {
    auto l = p.lookup(1, 0);
    return l.list && l.stale_chats.empty();
  }
  // Kept, with these chats to read again.
  std::vector<int64_t> stale() {
    auto l = p.lookup(1, 0);
    return l.list ? l.stale_chats : std::vector<int64_t>{-1};
  }
};

TEST(RecentProjection, StandsUntilWhatItShowsIsWritten) {
  Lists l;
  ASSERT_TRUE(l.p.enabled());
  l.keep();
  EXPECT_TRUE(l.held());
  EXPECT_FALSE(l.p.lookup(1, 1).list);  // the other form was never kept
  l.t.store->write([&](Conn& c) { c.exec("UPDATE chats SET title = 'x' WHERE id = $1", {l.theirs}); });
  l.t.store->write(
      [&](Conn& c) { c.exec("INSERT INTO chat_members (chat_id, user_id, joined_at) VALUES ($1, 3, 0)", {l.theirs}); });
  EXPECT_TRUE(l.held()) << "writes to other chats and users leave it";

  l.t.store->write([&](Conn& c) { c.exec("UPDATE chats SET title = 'y' WHERE id = $1", {l.mine}); });
  EXPECT_EQ(l.stale(), std::vector<int64_t>{l.mine}) << "its chat renamed";
  l.keep();
  l.t.store->write([&](Conn& c) {
    c.exec("INSERT INTO messages (chat_id, seq, author_id, text, created_at) VALUES ($1, 1, 3, 'hi', 0)", {l.mine});
  });
  EXPECT_EQ(l.stale(), std::vector<int64_t>{l.mine}) << "a message in its chat";
  l.keep();
  l.t.store->write([&](Conn& c) { c.exec("UPDATE chats SET last_seq = 9 WHERE id = $1", {l.theirs_hidden}); });
  EXPECT_EQ(l.stale(), std::vector<int64_t>{l.theirs_hidden}) << "a chat it does not show yet";
  l.keep();
  l.t.store->write(
      [&](Conn& c) { c.exec("INSERT INTO chat_members (chat_id, user_id, joined_at) VALUES ($1, 1, 0)", {l.theirs}); });
  EXPECT_EQ(l.stale(), std::vector<int64_t>{-1}) << "the viewer joined a chat: read whole";
  l.keep();
  l.t.store->write([&](Conn& c) {
    c.exec(
        "INSERT INTO user_presence (user_id, status) VALUES (2, 'away') "
        "ON CONFLICT (user_id) DO UPDATE SET status = 'away'");
  });
  EXPECT_EQ(l.stale(), std::vector<int64_t>{l.mine}) << "a shown user's presence";
  l.keep();
  l.t.store->write([&](Conn& c) {
    c.exec(
        "INSERT INTO users (login, name, last_name, email, date_register, timestamp_x) VALUES ('u', 'U', '', '', 0, "
        "0)");
  });
  EXPECT_EQ(l.stale(), std::vector<int64_t>{-1}) << "any user (names show in other people's items): read whole";
  l.keep();
  {
    SqliteOptions o;
    o.path = (l.t.dir / "t.db").string();
    o.synchronous_full = false;
    auto other = open_sqlite_store(o);
    other->write([&](Conn& c) { c.exec("UPDATE chats SET title = 'z' WHERE id = $1", {l.theirs}); });
    other->close();
  }
  EXPECT_EQ(l.stale(), std::vector<int64_t>{-1}) << "another process wrote chats: read whole";
}

TEST(RecentProjection, AListBuiltFromASnapshotOlderThanAWriteIsNotKept) {
  Lists l;
  auto list = std::make_shared<RecentList>();
  list->stamp = l.p.stamp();  // taken, then a write commits before the list is put
  list->chats = {l.mine};
  l.t.store->write([&](Conn& c) { c.exec("UPDATE chats SET title = 'y' WHERE id = $1", {l.mine}); });
  l.p.put(1, 0, list);
  EXPECT_EQ(l.stale(), std::vector<int64_t>{l.mine});
}

}  // namespace
}  // namespace imhub
