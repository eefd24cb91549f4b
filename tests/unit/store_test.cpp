#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <functional>
#include <thread>

#include "store/migrations.hpp"
#include "store/sqlite/sqlite_store.hpp"

namespace imhub {
namespace {

struct TempDir {
  std::filesystem::path path;
  TempDir() {
    path = std::filesystem::temp_directory_path() /
           ("imhub-unit-" + std::to_string(::getpid()) + "-" + std::to_string(reinterpret_cast<uintptr_t>(this)));
    std::filesystem::create_directories(path);
  }
  ~TempDir() { std::filesystem::remove_all(path); }
};

std::unique_ptr<Store> open(const TempDir& d, int migrate_to = 0) {
  SqliteOptions o;
  o.path = (d.path / "t.db").string();
  o.migrate_to = migrate_to;
  return open_sqlite_store(o);
}

TEST(Migrations, FromEmpty) {
  TempDir d;
  auto s = open(d);
  EXPECT_EQ(s->schema_version(), migrations().back().version);
}

TEST(Migrations, FromEachPreviousVersionKeepsData) {
  for (size_t i = 0; i + 1 < migrations().size(); ++i) {
    TempDir d;
    const int previous = migrations()[i].version;
    {
      auto s = open(d, previous);
      EXPECT_EQ(s->schema_version(), previous);
      s->write([](Conn& c) {
        c.exec("INSERT INTO departments (id, name, sort) VALUES (1, 'Company', 500)");
        c.exec("INSERT INTO users (id, name, date_register, timestamp_x) VALUES (1, 'Ann', 1, 1)");
      });
      s->close();
    }
    auto s = open(d);
    EXPECT_EQ(s->schema_version(), migrations().back().version);
    auto name = s->read_with([](Conn& c) { return c.query_one("SELECT name FROM users WHERE id = 1")->str(0); });
    EXPECT_EQ(name, "Ann");
  }
}

// Calls `unit(t, i)` for i in [0, 20) on each of 16 threads t at once: their writes share group
// commits. A runtime_error a unit throws is counted, not passed on.
int on_16_threads(const std::function<void(int t, int i)>& unit) {
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 16; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 20; ++i) {
        try {
          unit(t, i);
        } catch (const std::runtime_error&) {
          ++failures;
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  return failures.load();
}

void insert_department(Conn& c, const char* name, int t) {
  c.exec("INSERT INTO departments (name, sort) VALUES ($1, $2)", {std::string(name), int64_t{t}});
}

TEST(Store, GroupCommitIsolatesFailingUnits) {
  TempDir d;
  auto s = open(d);
  const int failures = on_16_threads([&](int t, int i) {
    s->write([&](Conn& c) {
      insert_department(c, "d", t);
      if (i % 5 == 0) throw std::runtime_error("rolled back");
    });
  });
  EXPECT_EQ(failures, 16 * 4);
  auto n = s->read_with([](Conn& c) { return c.query_one("SELECT COUNT(*) FROM departments")->i64(0); });
  EXPECT_EQ(n, 16 * 16);
  StoreStats st = s->stats();
  EXPECT_EQ(st.units_committed, 16u * 20u);
  EXPECT_LE(st.commits, st.units_committed);
}

// Repeatable units run without a savepoint; one that fails rolls its group back and the group runs
// again, each unit in a savepoint. Every failure stays its own, every success is written once, and
// the first failure of a group is always a bare run's, so failed units ran more than once.
TEST(Store, RepeatableUnitsFailAloneAndTheirGroupRunsAgain) {
  TempDir d;
  auto s = open(d);
  std::atomic<int> runs{0};
  const int failures = on_16_threads([&](int t, int i) {
    s->write_repeatable([&](Conn& c) {
      ++runs;
      insert_department(c, "d", t);
      if (i % 5 == 0) throw std::runtime_error("rolled back");
    });
  });
  EXPECT_EQ(failures, 16 * 4);
  auto n = s->read_with([](Conn& c) { return c.query_one("SELECT COUNT(*) FROM departments")->i64(0); });
  EXPECT_EQ(n, 16 * 16);
  EXPECT_GT(runs.load(), 16 * 20);
  EXPECT_EQ(s->stats().units_committed, 16u * 20u);
}

// A unit that is not repeatable runs exactly once, whatever fails after it in its group.
TEST(Store, UnitsNotRepeatableRunOnceBesideFailingRepeatableOnes) {
  TempDir d;
  auto s = open(d);
  std::atomic<int> plain_runs{0};
  on_16_threads([&](int t, int i) {
    if (t % 2 == 0) {
      s->write([&](Conn& c) {
        ++plain_runs;
        insert_department(c, "p", t);
      });
      return;
    }
    s->write_repeatable([&](Conn& c) {
      insert_department(c, "r", t);
      if (i % 2 == 0) throw std::runtime_error("rolled back");
    });
  });
  EXPECT_EQ(plain_runs.load(), 8 * 20);
  auto count = [&](const char* name) {
    return s->read_with([&](Conn& c) {
      return c.query_one("SELECT COUNT(*) FROM departments WHERE name = $1", {std::string(name)})->i64(0);
    });
  };
  EXPECT_EQ(count("p"), 8 * 20);
  EXPECT_EQ(count("r"), 8 * 10);
}

// A writer that never pauses never begins a transaction while every frame is checkpointed, which is
// when SQLite starts the WAL over: the store makes that moment itself past wal_restart_mb. 160 MB of
// rows written in one flood (a writer queue that never empties) leave a WAL of at most 64 MB plus
// the frames of the last wait's margin, not 160 MB.
TEST(Store, TheWalStartsOverUnderAWriterThatNeverPauses) {
  TempDir d;
  SqliteOptions o;
  o.path = (d.path / "t.db").string();
  o.wal_restart_mb = 64;  // the default 256 would need a flood of over 300 MB to show it
  auto s = open_sqlite_store(o);
  constexpr int kUnits = 40000;  // 4 KB each: a WAL frame apiece
  const std::string row(4000, 'x');
  std::atomic<int> done{0}, failed{0};
  for (int i = 0; i < kUnits; ++i)
    s->write_async(
        [&row](Conn& c) {
          c.exec("INSERT INTO app_options (owner, name, value) VALUES ('w', hex(randomblob(8)), $1)", {row});
        },
        [&](std::exception_ptr e) {
          if (e) ++failed;
          ++done;
        });
  while (done < kUnits) std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_EQ(failed.load(), 0);
  const auto wal = std::filesystem::file_size(d.path / "t.db-wal");
  EXPECT_LT(wal, 100u << 20) << "the WAL grew with the load: it never started over";
}

TEST(Store, PlaceholdersByNumber) {
  TempDir d;
  auto s = open(d);
  auto row = s->read_with([](Conn& c) {
    return *c.query_one("SELECT $2 || $1", {std::string("b"), std::string("a")});
  });
  EXPECT_EQ(row.str(0), "ab");
}

// The statement cache looks a text up by its address first: other text at the same address (a
// buffer written again) must still run as itself.
TEST(Store, StatementCacheTellsTextsAtOneAddressApart) {
  TempDir d;
  auto s = open(d);
  s->read([](Conn& c) {
    std::string sql = "SELECT 1";
    const char* at = sql.data();
    EXPECT_EQ(c.query_one(sql, {})->i64(0), 1);
    EXPECT_EQ(c.query_one(sql, {})->i64(0), 1);
    sql[7] = '2';
    ASSERT_EQ(sql.data(), at);
    EXPECT_EQ(c.query_one(sql, {})->i64(0), 2);
    sql[7] = '1';
    EXPECT_EQ(c.query_one(sql, {})->i64(0), 1);
  });
}

}  // namespace
}  // namespace imhub

namespace imhub {
namespace {

TEST(TableEpochs, MoveOnlyForWrittenTablesAndAcrossInstances) {
  TempDir d;
  auto s = open(d);
  const uint64_t users0 = s->table_epoch("users");
  const uint64_t hooks0 = s->table_epoch("webhooks");
  s->write([](Conn& c) { c.exec("INSERT INTO departments (id, name, sort, parent_id) VALUES (77, 'x', 500, NULL)"); });
  EXPECT_EQ(s->table_epoch("users"), users0) << "a table nobody wrote must keep its epoch";
  EXPECT_GT(s->table_epoch("departments"), 0u);
  const uint64_t before = s->table_epoch("departments");
  // A second store on the same files (another process, e.g. the CLI) sees the first's commits
  // and its own commits are seen by the first.
  {
    SqliteOptions o;
    o.path = (d.path / "t.db").string();
    auto other = open_sqlite_store(o);
    EXPECT_EQ(other->table_epoch("departments"), before);
    other->write([](Conn& c) { c.exec("UPDATE webhooks SET active = 0 WHERE id = -1"); });
    other->close();
  }
  EXPECT_GT(s->table_epoch("webhooks"), hooks0);
  // A failing unit's writes are rolled back; at worst its table moves (a harmless refresh).
  EXPECT_THROW(s->write([](Conn& c) {
    c.exec("UPDATE users SET name = 'x' WHERE id = -1");
    throw StoreError("boom");
  }),
               StoreError);
  s->close();
}

}  // namespace
}  // namespace imhub
