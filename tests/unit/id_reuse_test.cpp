// Ids are never reused (migration 17): after the newest user, chat, message or file is deleted,
// the next one gets a new id, in a new store and in a store migrated from version 16. Since
// migration 31 the writer hands message ids out (im/write_path_cache.hpp), so messages are added
// as the server adds them, through post_message.
#include <gtest/gtest.h>

#include <filesystem>

#include "im/change_feed.hpp"
#include "im/message_post.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace imhub {
namespace {

struct Dir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() /
      ("imhub-unit-ids-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
  Dir() { std::filesystem::create_directories(path); }
  ~Dir() { std::filesystem::remove_all(path); }
};

std::unique_ptr<Store> open_at(const Dir& d, int migrate_to = 0) {
  SqliteOptions o;
  o.path = (d.path / "t.db").string();
  o.migrate_to = migrate_to;
  return open_sqlite_store(o);
}

// Inserts one row of each kind with the store choosing the id; returns the ids. The message goes
// into chat 1, through post_message unless the store predates migration 31 (`by_writer` false).
struct Ids {
  int64_t user, chat, message, file;
};

Ids insert_rows(Store& s, bool by_writer = true) {
  Ids ids = s.write_with([&](Conn& c) {
    Ids ids;
    c.exec("INSERT INTO users (name, date_register, timestamp_x) VALUES ('u', 1, 1)");
    ids.user = c.query_one("SELECT MAX(id) FROM users")->i64(0);
    c.exec("INSERT INTO chats (type, created_at) VALUES ('C', 1)");
    ids.chat = c.query_one("SELECT MAX(id) FROM chats")->i64(0);
    if (!by_writer) {
      c.exec("INSERT INTO messages (chat_id, seq, author_id, text, created_at) VALUES (1, 1, 1, 'hi', 1)");
      ids.message = c.query_one("SELECT MAX(id) FROM messages")->i64(0);
    }
    c.exec(
        "INSERT INTO disk_objects (type, name, created_at, updated_at) "
        "VALUES ('file', 'f' || (SELECT COUNT(*) FROM disk_objects), 1, 1)");  // names are unique per folder
    ids.file = c.query_one("SELECT MAX(id) FROM disk_objects")->i64(0);
    return ids;
  });
  if (by_writer) {
    NewMessage m;
    m.chat_id = 1;
    m.text = "hi";
    m.system = true;
    ids.message = ChangeFeed().write(s, Cause{}, [&](Tx& tx) { return post_message(tx, m); });
  }
  return ids;
}

void delete_rows(Store& s, const Ids& ids) {
  s.write([&](Conn& c) {
    c.exec("DELETE FROM users WHERE id = $1", {ids.user});
    c.exec("DELETE FROM chats WHERE id = $1", {ids.chat});
    c.exec("DELETE FROM messages WHERE id = $1", {ids.message});
    c.exec("DELETE FROM disk_objects WHERE id = $1", {ids.file});
  });
}

void expect_all_new(const Ids& before, const Ids& after) {
  EXPECT_GT(after.user, before.user);
  EXPECT_GT(after.chat, before.chat);
  EXPECT_GT(after.message, before.message);
  EXPECT_GT(after.file, before.file);
}

TEST(IdsNeverReused, AfterTheNewestRowIsDeleted) {
  Dir d;
  auto s = open_at(d);
  insert_rows(*s);
  Ids newest = insert_rows(*s);
  delete_rows(*s, newest);
  expect_all_new(newest, insert_rows(*s));
  s->close();
}

// The writer keeps the next message id between units; a delete, a rollback or a restart makes
// it read the floor again, and none of them brings a handed-out id back.
TEST(IdsNeverReused, MessageIdsAcrossDeletesRollbacksAndRestarts) {
  Dir d;
  int64_t newest = 0;
  {
    auto s = open_at(d);
    insert_rows(*s);
    newest = insert_rows(*s).message;
    // A unit that appended and then failed: its id was never seen, the next one must still work.
    EXPECT_ANY_THROW(ChangeFeed().write(*s, Cause{}, [&](Tx& tx) {
      NewMessage m;
      m.chat_id = 1;
      m.text = "rolled back";
      m.system = true;
      post_message(tx, m);
      throw StoreError("unit failed after its append");
    }));
    newest = std::max(newest, insert_rows(*s).message);
    s->write([&](Conn& c) { c.exec("DELETE FROM messages WHERE id = $1", {newest}); });
    const int64_t after_delete = insert_rows(*s).message;
    EXPECT_EQ(after_delete, newest + 1);
    s->write([&](Conn& c) { c.exec("DELETE FROM messages WHERE chat_id = 1"); });  // all of them
    newest = after_delete;
    s->close();
  }
  auto s = open_at(d);
  EXPECT_EQ(insert_rows(*s).message, newest + 1);
  s->read([](Conn& c) {
    // The definition lost AUTOINCREMENT, and sqlite_sequence no longer speaks for messages.
    EXPECT_EQ(c.query_one("SELECT sql FROM sqlite_master WHERE name = 'messages'")->str(0).find("AUTOINCREMENT"),
              std::string::npos);
    EXPECT_FALSE(c.query_one("SELECT 1 FROM sqlite_sequence WHERE name = 'messages'"));
  });
  s->close();
}

TEST(IdsNeverReused, MigrationFrom16KeepsEveryIdAndIndex) {
  Dir d;
  Ids newest;
  {
    auto s = open_at(d, 16);
    ASSERT_EQ(s->schema_version(), 16);
    insert_rows(*s, false);
    s->write([](Conn& c) {  // a gap and a user with an explicit id, as a real store has
      c.exec("INSERT INTO users (id, name, date_register, timestamp_x) VALUES (7, 'Ann', 1, 1)");
      c.exec(
          "INSERT INTO messages (id, chat_id, seq, author_id, text, created_at, template_id) "
          "VALUES (40, 1, 2, 7, 'kept', 1, 't1')");
    });
    newest = insert_rows(*s, false);
    s->close();
  }
  auto s = open_at(d);
  EXPECT_GE(s->schema_version(), 31);
  s->read([&](Conn& c) {
    EXPECT_EQ(c.query_one("SELECT name FROM users WHERE id = 7")->str(0), "Ann");
    EXPECT_EQ(c.query_one("SELECT text FROM messages WHERE id = 40")->str(0), "kept");
    EXPECT_EQ(c.query_one("SELECT COUNT(*) FROM users")->i64(0), 3);
    EXPECT_EQ(newest.user, 8);
    EXPECT_EQ(newest.message, 41);
    for (const char* index : {"messages_by_chat", "messages_by_template", "chats_private_pair", "chats_by_entity",
                              "disk_objects_folder_code", "disk_objects_name_in_folder", "disk_objects_by_chat"})
      EXPECT_TRUE(c.query_one("SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = $1", {std::string(index)}))
          << index;
  });
  // The unique index on (author_id, template_id) still holds.
  EXPECT_ANY_THROW(s->write([](Conn& c) {
    c.exec(
        "INSERT INTO messages (chat_id, seq, author_id, text, created_at, template_id) VALUES (1, 3, 7, 'x', 1, 't1')");
  }));
  delete_rows(*s, newest);
  expect_all_new(newest, insert_rows(*s));
  s->close();
}

}  // namespace
}  // namespace imhub
