// The WAL write batching VFS (store/sqlite/wal_write_batch): what a writer commits through it is
// what other connections (on the default VFS) read at once, whatever the transaction's size, with
// savepoints rolled back after the page cache spilled to the WAL, and after the writer is closed
// without a checkpoint (recovery from the WAL alone).
#include "store/sqlite/wal_write_batch.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace imhub {
namespace {

struct Db {
  sqlite3* db = nullptr;
  Db(const std::string& path, const char* vfs) {
    EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, vfs), SQLITE_OK);
  }
  ~Db() { sqlite3_close_v2(db); }
  void run(const std::string& sql) const {
    char* err = nullptr;
    const int rc = sqlite3_exec(db, sql.c_str(), nullptr, nullptr, &err);
    EXPECT_EQ(rc, SQLITE_OK) << sql << ": " << (err ? err : "");
    sqlite3_free(err);
  }
  std::string text(const std::string& sql) const {
    sqlite3_stmt* st = nullptr;
    EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &st, nullptr), SQLITE_OK) << sql;
    std::string out;
    if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0))
      out = reinterpret_cast<const char*>(sqlite3_column_text(st, 0));
    sqlite3_finalize(st);
    return out;
  }
};

struct Dir {
  std::filesystem::path path =
      std::filesystem::temp_directory_path() / ("imhub-walbatch-" + std::to_string(::getpid()));
  Dir() { std::filesystem::create_directories(path); }
  ~Dir() { std::filesystem::remove_all(path); }
};

// Inserts `rows` rows of about 3 KB each (most pages of the table and its index change) in one
// transaction.
void insert(const Db& w, int rows) {
  w.run("BEGIN IMMEDIATE");
  for (int i = 0; i < rows; ++i) w.run("INSERT INTO t (body) VALUES (hex(randomblob(1500)))");
  w.run("COMMIT");
}

TEST(WalWriteBatch, EveryCommitIsReadAtOnceByAnotherConnectionWhateverItsSize) {
  Dir d;
  const std::string path = (d.path / "a.db").string();
  Db w(path, wal_write_batch_vfs());
  w.run("PRAGMA journal_mode = WAL");
  w.run("PRAGMA synchronous = NORMAL");
  w.run("PRAGMA wal_autocheckpoint = 0");  // everything stays in the WAL: readers read it there
  w.run("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)");
  w.run("CREATE INDEX t_body ON t (body)");
  Db r(path, nullptr);
  int total = 0;
  // 1 row: a few frames; 40: past one 128 KB write; 400: many.
  for (int rows : {1, 2, 40, 1, 400, 3}) {
    insert(w, rows);
    total += rows;
    EXPECT_EQ(r.text("SELECT COUNT(*) FROM t"), std::to_string(total)) << "after a commit of " << rows << " rows";
  }
  EXPECT_EQ(r.text("PRAGMA integrity_check"), "ok");
}

TEST(WalWriteBatch, ASavepointRolledBackAfterTheCacheSpilledLeavesTheRestIntact) {
  Dir d;
  const std::string path = (d.path / "b.db").string();
  Db w(path, wal_write_batch_vfs());
  w.run("PRAGMA journal_mode = WAL");
  w.run("PRAGMA cache_size = 10");  // a large transaction spills pages to the WAL before COMMIT
  w.run("PRAGMA wal_autocheckpoint = 0");
  w.run("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)");
  w.run("BEGIN IMMEDIATE");
  w.run("INSERT INTO t (body) VALUES ('kept')");
  w.run("SAVEPOINT s");
  for (int i = 0; i < 300; ++i) w.run("INSERT INTO t (body) VALUES (hex(randomblob(1500)))");
  w.run("ROLLBACK TO s");
  w.run("RELEASE s");
  for (int i = 0; i < 50; ++i) w.run("INSERT INTO t (body) VALUES (hex(randomblob(1500)))");
  w.run("COMMIT");
  Db r(path, nullptr);
  EXPECT_EQ(r.text("SELECT COUNT(*) FROM t"), "51");
  EXPECT_EQ(r.text("SELECT body FROM t ORDER BY id LIMIT 1"), "kept");
  EXPECT_EQ(r.text("PRAGMA integrity_check"), "ok");
}

TEST(WalWriteBatch, AWalLeftUncheckpointedIsRecoveredByTheNextOpen) {
  Dir d;
  const std::string path = (d.path / "c.db").string();
  {
    Db w(path, wal_write_batch_vfs());
    w.run("PRAGMA journal_mode = WAL");
    w.run("PRAGMA wal_autocheckpoint = 0");
    w.run("CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT)");
    insert(w, 120);
    // Keep the WAL as a crash leaves it: closing would checkpoint it into the database.
    int keep = 1;
    ASSERT_EQ(sqlite3_file_control(w.db, "main", SQLITE_FCNTL_PERSIST_WAL, &keep), SQLITE_OK);
    std::filesystem::copy_file(path + "-wal", path + "-wal.crash");
    std::filesystem::copy_file(path, path + ".crash");
  }
  std::filesystem::rename(path + ".crash", path);
  std::filesystem::rename(path + "-wal.crash", path + "-wal");
  std::filesystem::remove(path + "-shm");
  Db r(path, nullptr);
  EXPECT_EQ(r.text("SELECT COUNT(*) FROM t"), "120");
  EXPECT_EQ(r.text("PRAGMA integrity_check"), "ok");
}

}  // namespace
}  // namespace imhub
