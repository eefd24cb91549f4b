// The PostgreSQL store against a private server (tests/pg/start.sh: Debian's postgresql package,
// a temporary cluster on a free loopback port), one fresh database per test. Skipped, saying why,
// when the server binaries are not installed. IMHUB_TEST_PG_URL names a running server instead.
#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "store/migrations.hpp"
#include "store/postgres/pg_conn.hpp"
#include "store/postgres/pg_store.hpp"

namespace imhub {
namespace {

std::string run_capture(const std::string& cmd, int& status) {
  std::string out;
  FILE* p = ::popen(cmd.c_str(), "r");
  if (!p) {
    status = -1;
    return out;
  }
  char buf[512];
  while (size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  status = ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// The server for the whole suite: started once, stopped at the end.
class PgServer : public ::testing::Environment {
 public:
  static std::string url;
  static std::string skip_reason;
  static bool started_here;

  void SetUp() override {
    if (const char* given = std::getenv("IMHUB_TEST_PG_URL")) {
      url = given;
      return;
    }
    const std::string script = std::string(IMHUB_SOURCE_DIR) + "/tests/pg/start.sh";
    int status = 0;
    url = run_capture(script + " 2>/dev/null", status);
    if (WIFEXITED(status) && WEXITSTATUS(status) == 3) {
      skip_reason = "no PostgreSQL server binaries (/usr/lib/postgresql/*/bin): install Debian's postgresql";
      url.clear();
    } else if (status != 0 || url.empty()) {
      skip_reason = "tests/pg/start.sh failed to start PostgreSQL";
      url.clear();
    } else {
      started_here = true;
    }
  }
  void TearDown() override {
    if (!started_here) return;
    int status = 0;
    run_capture(std::string(IMHUB_SOURCE_DIR) + "/tests/pg/stop.sh '" + url + "'", status);
  }
};
std::string PgServer::url;
std::string PgServer::skip_reason;
bool PgServer::started_here = false;

const auto* const kServer = ::testing::AddGlobalTestEnvironment(new PgServer);

class PgStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (PgServer::url.empty()) GTEST_SKIP() << PgServer::skip_reason;
    static std::atomic<int> n{0};
    const std::string db = "unit_" + std::to_string(::getpid()) + "_" + std::to_string(n++);
    PgConn admin(PgServer::url);
    admin.run("CREATE DATABASE " + db);
    url_ = PgServer::url.substr(0, PgServer::url.rfind('/') + 1) + db;
  }

  std::unique_ptr<Store> open(int writers = 1) {
    PgOptions o;
    o.url = url_;
    o.read_connections = 2;
    o.writer_connections = writers;
    return open_postgres_store(o);
  }

  // A message row with only what the table requires.
  static int64_t add_message(Conn& c, int64_t chat) {
    return c
        .query_one(
            "INSERT INTO messages (chat_id, seq, author_id, text, created_at) VALUES ($1, 0, 1, 'x', 0) RETURNING id",
            {chat})
        ->i64(0);
  }

  std::string url_;
};

TEST_F(PgStoreTest, MigratesAnEmptyDatabaseToTheLastVersion) {
  auto store = open();
  EXPECT_EQ(store->schema_version(), migrations().back().version);
  // Twice: a second node (or a restart) finds nothing left to do.
  auto again = open();
  EXPECT_EQ(again->schema_version(), migrations().back().version);
}

TEST_F(PgStoreTest, ValuesComeBackAsSQLiteGivesThem) {
  auto store = open();
  store->write([](Conn& c) {
    c.exec("INSERT INTO app_options (owner, name, value) VALUES ($1, $2, $3)",
           {std::string("o"), std::string("n"), std::string("héllo, мир")});
    // An integer bound to a TEXT column is stored as its text, as SQLite's affinity does.
    c.exec("INSERT INTO app_options (owner, name, value) VALUES ($1, $2, $3)",
           {std::string("o"), std::string("i"), int64_t{42}});
  });
  Row row = *store->read_with([](Conn& c) {
    return c.query_one(
        "SELECT value, CAST($1 AS BIGINT), CAST($2 AS DOUBLE PRECISION), NULL, COUNT(*) OVER (), "
        "SUM(CAST(length(name) AS BIGINT)) OVER (), 1 = 1 FROM app_options WHERE name = $3",
        {int64_t{1} << 40, 2.5, std::string("n")});
  });
  EXPECT_EQ(row, Row({std::string("héllo, мир"), int64_t{1} << 40, 2.5, nullptr, int64_t{1}, int64_t{1}, int64_t{1}}));
  EXPECT_EQ(
      store->read_with([](Conn& c) { return c.query_one("SELECT value FROM app_options WHERE name = 'i'")->str(0); }),
      "42");
}

TEST_F(PgStoreTest, AFailingUnitRollsBackOnlyItselfInsideABatch) {
  auto store = open();
  std::atomic<int> finished{0};
  std::vector<std::exception_ptr> errors(4);
  // The first unit holds the writer, so the next three wait and are committed as one group.
  auto unit = [&](int i, std::function<void(Conn&)> fn) {
    store->write_async(std::move(fn), [&, i](std::exception_ptr e) {
      errors[static_cast<size_t>(i)] = e;
      ++finished;
    });
  };
  unit(0, [](Conn&) { std::this_thread::sleep_for(std::chrono::milliseconds(300)); });
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  auto put = [](const char* name) {
    return [name](Conn& c) {
      c.exec("INSERT INTO app_options (owner, name, value) VALUES ('t', $1, 'v')", {std::string(name)});
    };
  };
  unit(1, put("a"));
  unit(2, [](Conn& c) {
    c.exec("INSERT INTO app_options (owner, name, value) VALUES ('t', 'b', 'v')");
    c.exec("INSERT INTO app_options (owner, name, value) VALUES ('t', 'b', 'v')");  // duplicate key
  });
  unit(3, put("c"));
  while (finished < 4) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  EXPECT_FALSE(errors[1]);
  EXPECT_TRUE(errors[2]);
  EXPECT_FALSE(errors[3]);
  Rows names =
      store->read_with([](Conn& c) { return c.query("SELECT name FROM app_options WHERE owner = 't' ORDER BY name"); });
  ASSERT_EQ(names.size(), 2u);
  EXPECT_EQ(names[0].str(0), "a");
  EXPECT_EQ(names[1].str(0), "c");
  const StoreStats s = store->stats();
  uint64_t grouped = 0;
  for (size_t b = 2; b < s.batch_size_buckets.size(); ++b) grouped += s.batch_size_buckets[b];
  EXPECT_GE(grouped, 1u) << "the three units should have shared one transaction";
  // A failed unit is not a failing store.
  EXPECT_TRUE(s.writes_ok);
}

TEST_F(PgStoreTest, IdsAreNeverReusedAfterTheNewestRowIsDeleted) {
  auto store = open();
  const int64_t last = store->write_with([](Conn& c) {
    add_message(c, 1);
    return add_message(c, 1);
  });
  store->write([&](Conn& c) { c.exec("DELETE FROM messages WHERE id = $1", {last}); });
  const int64_t next = store->write_with([](Conn& c) { return add_message(c, 1); });
  EXPECT_GT(next, last);
  // The same for a table whose SQLite form gained AUTOINCREMENT only in migration 17.
  const int64_t dept = store->write_with(
      [](Conn& c) { return c.query_one("INSERT INTO departments (name) VALUES ('d') RETURNING id")->i64(0); });
  store->write([&](Conn& c) { c.exec("DELETE FROM departments WHERE id = $1", {dept}); });
  EXPECT_GT(store->write_with([](Conn& c) {
    return c.query_one("INSERT INTO departments (name) VALUES ('e') RETURNING id")->i64(0);
  }),
            dept);
}

TEST_F(PgStoreTest, TableEpochMovesAfterACommitHereAndOnAnotherNode) {
  auto store = open();
  auto other = open();  // a second node on the same database
  const uint64_t before = store->table_epoch("webhooks");
  const uint64_t other_before = other->table_epoch("webhooks");
  store->write([](Conn& c) {
    c.exec("INSERT INTO webhooks (user_id, secret_hash, scopes, created_at) VALUES (1, 'h', 'im', 0)");
  });
  EXPECT_GT(store->table_epoch("webhooks"), before);  // when write() returns, not later
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  while (other->table_epoch("webhooks") == other_before && std::chrono::steady_clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  EXPECT_GT(other->table_epoch("webhooks"), other_before);
  // A rolled-back unit moves nothing.
  const uint64_t settled = store->table_epoch("chats");
  EXPECT_THROW(store->write([](Conn& c) {
    c.exec("INSERT INTO chats (type, created_at) VALUES ('C', 0)");
    throw std::runtime_error("no");
  }),
               std::runtime_error);
  EXPECT_EQ(store->table_epoch("chats"), settled);
}

TEST_F(PgStoreTest, OnDurableCommitRunsAfterEachCommit) {
  auto store = open();
  std::atomic<int> calls{0};
  store->on_durable_commit([&] { ++calls; });
  store->write([](Conn& c) { c.exec("INSERT INTO app_options (owner, name, value) VALUES ('d', 'x', 'v')"); });
  EXPECT_GE(calls.load(), 1);
}

TEST_F(PgStoreTest, ConcurrentWritersLoseNothing) {
  auto store = open(4);
  store->write([](Conn& c) { c.exec("INSERT INTO chats (id, type, created_at) VALUES (1000000, 'C', 0)"); });
  constexpr int kThreads = 8, kEach = 40;
  std::vector<std::thread> threads;
  std::atomic<int> failures{0};
  for (int t = 0; t < kThreads; ++t)
    threads.emplace_back([&] {
      for (int i = 0; i < kEach; ++i) {
        try {
          store->write([](Conn& c) {
            c.exec("UPDATE chats SET last_seq = last_seq + 1 WHERE id = 1000000");
            add_message(c, 1000000);
          });
        } catch (...) {
          ++failures;
        }
      }
    });
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  Row r = *store->read_with([](Conn& c) {
    return c.query_one(
        "SELECT (SELECT last_seq FROM chats WHERE id = 1000000), COUNT(*), COUNT(DISTINCT id) FROM messages");
  });
  EXPECT_EQ(r.i64(0), kThreads * kEach);
  EXPECT_EQ(r.i64(1), kThreads * kEach);
  EXPECT_EQ(r.i64(2), kThreads * kEach);
  store->close();
  EXPECT_THROW(store->write([](Conn&) {}), StoreError);
}

}  // namespace
}  // namespace imhub
